import type { TenantRefName } from "./login-page";
import type { Strings } from "./strings-en";

/** One enabled connection as a page shows it. */
export interface ConnectionButtonView {
  readonly id: string;
  readonly provider: "google" | "github" | "apple" | "microsoft" | "oidc";
  readonly label: string;
}

/**
 * A real button in its own form per connection, worded as each provider asks (text only: no
 * third-party logos or assets), styled like every other button of the tenant's page.
 */
export function ConnectionButtons(props: { readonly strings: Strings; readonly csrf: string; readonly tenantRef: { readonly name: TenantRefName; readonly value: string }; readonly connections: readonly ConnectionButtonView[] }) {
  if (props.connections.length === 0) return null;
  const t = props.strings.federation;
  return (
    <section aria-label={t.orUse}>
      <p>{t.orUse}</p>
      {props.connections.map((connection) => (
        <form method="post" action={`/login/connection/${connection.id}`}>
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name={props.tenantRef.name} value={props.tenantRef.value} />
          <button type="submit" data-provider={connection.provider}>
            {t.button(connection.provider, connection.label)}
          </button>
        </form>
      ))}
    </section>
  );
}
