import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { Layout } from "./layout";
import type { Strings } from "./strings-en";

export interface VerifyEmailPageProps {
  readonly strings: Strings;
  readonly settings: TenantSettings;
  readonly nonce: string;
  readonly csrf: string;
  readonly token: string;
  /** A new address (`change_email`) or the account's first one. */
  readonly change: boolean;
  /** A pending authorization request to continue once the address is confirmed. */
  readonly request: string | null;
}

/** What a verification link opens: a button, because only the POST confirms (mail scanners follow links with GET). */
export function VerifyEmailPage(props: VerifyEmailPageProps) {
  const { strings: t } = props;
  return (
    <Layout title={props.change ? t.confirmNewEmailTitle(props.settings.email_branding) : t.confirmEmailTitle(props.settings.email_branding)} strings={t} settings={props.settings} nonce={props.nonce}>
      <form method="post" action="/verify-email">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <input type="hidden" name="step" value="verify" />
        {props.request !== null && <input type="hidden" name="request" value={props.request} />}
        <button type="submit">{t.confirmEmail}</button>
      </form>
    </Layout>
  );
}
