import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { Layout } from "./layout";
import type { Strings } from "./strings-en";

export interface ConsentPageProps {
  readonly strings: Strings;
  readonly settings: TenantSettings;
  readonly nonce: string;
  readonly csrf: string;
  readonly clientName: string;
  /** The authorization request's query, sent back with the answer and checked again. */
  readonly request: string;
  readonly scopes: readonly string[];
}

/** Asks the user whether a client that is not first-party may have the requested scopes. */
export function ConsentPage(props: ConsentPageProps) {
  const { strings: t } = props;
  return (
    <Layout title={t.consentTitle(props.clientName)} strings={t} settings={props.settings} nonce={props.nonce}>
      <p>{t.consentIntro(props.clientName, props.settings.email_branding)}</p>
      <ul>
        {props.scopes.map((scope) => (
          <li>{t.consentScopes[scope] ?? scope}</li>
        ))}
      </ul>
      <p>{t.consentSignedInAs}</p>
      <form method="post" action="/consent">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="request" value={props.request} />
        <input type="hidden" name="step" value="consent" />
        <button type="submit" name="decision" value="allow">
          {t.allow}
        </button>
        <button type="submit" name="decision" value="deny">
          {t.deny}
        </button>
      </form>
    </Layout>
  );
}
