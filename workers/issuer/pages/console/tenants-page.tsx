import type { TenantSummaryView } from "../../services/console/console-tenants";
import { ConsoleLayout, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";
import { DateTime } from "./date-time";

export function TenantsPage(props: { readonly nonce: string; readonly signedIn: SignedInView; readonly tenants: readonly TenantSummaryView[]; readonly nextCursor: string | null }) {
  const t = CONSOLE.tenants;
  return (
    <ConsoleLayout title={t.title} nonce={props.nonce} signedIn={props.signedIn} section="tenants">
      {props.tenants.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <table>
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.slug}</th>
              <th scope="col">{t.created}</th>
            </tr>
          </thead>
          <tbody>
            {props.tenants.map((tenant) => (
              <tr>
                <th scope="row">
                  <a href={`/console/tenants/${tenant.tenant_id}`}>{tenant.name}</a>
                </th>
                <td>
                  <code>{tenant.slug}</code>
                </td>
                <td>
                  <DateTime at={tenant.created_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.nextCursor !== null && (
        <p>
          <a href={`/console/tenants?cursor=${encodeURIComponent(props.nextCursor)}`}>{t.older}</a>
        </p>
      )}
    </ConsoleLayout>
  );
}
