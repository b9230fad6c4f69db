import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { Layout } from "./layout";
import type { Strings } from "./strings-en";

export interface LinkPageProps {
  readonly strings: Strings;
  readonly settings: TenantSettings;
  readonly nonce: string;
  readonly csrf: string;
  readonly token: string;
  /** The authorization request the link continues, when it carries one (checked again on POST). */
  readonly request: string | null;
}

/** What an emailed sign-in link opens: a button, because only the POST signs in (mail scanners follow links with GET). */
export function LinkPage(props: LinkPageProps) {
  const { strings: t } = props;
  const brand = props.settings.email_branding;
  return (
    <Layout title={t.linkSignInTitle(brand)} strings={t} settings={props.settings} nonce={props.nonce}>
      <p>{t.linkSignInHint}</p>
      <form method="post" action="/auth/link">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <input type="hidden" name="step" value="sign_in" />
        {props.request !== null && <input type="hidden" name="request" value={props.request} />}
        <button type="submit">{t.linkSignIn(brand)}</button>
      </form>
    </Layout>
  );
}
