import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { ConnectionButtons, type ConnectionButtonView } from "./connection-buttons";
import { FieldError, Layout } from "./layout";
import type { TenantRefName } from "./login-page";
import type { Strings } from "./strings-en";

export interface SignupPageProps {
  readonly strings: Strings;
  readonly settings: TenantSettings;
  readonly nonce: string;
  readonly csrf: string;
  readonly tenantRef: { readonly name: TenantRefName; readonly value: string };
  readonly email?: string;
  readonly error?: { readonly field: string | null; readonly message: string };
  /** The tenant's enabled social and enterprise connections, one button each. */
  readonly connections?: readonly ConnectionButtonView[];
}

export function SignupPage(props: SignupPageProps) {
  const { strings: t, settings } = props;
  const fieldError = (field: string) => (props.error !== undefined && props.error.field === field ? props.error.message : null);
  const general = props.error !== undefined && props.error.field === null ? props.error.message : null;
  const back = `/login?${props.tenantRef.name}=${encodeURIComponent(props.tenantRef.value)}`;
  return (
    <Layout title={t.signUpTitle(settings.email_branding)} strings={t} settings={settings} nonce={props.nonce}>
      {general !== null && <p role="alert">{general}</p>}
      <form method="post" action="/signup">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name={props.tenantRef.name} value={props.tenantRef.value} />
        <label for="email">{t.email}</label>
        <input id="email" name="email" type="email" autocomplete="username" required maxlength={320} value={props.email} aria-describedby={fieldError("email") === null ? undefined : "email-error"} />
        <FieldError id="email-error" message={fieldError("email")} />
        <label for="password">{t.newPassword(settings.password_min_length)}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength={settings.password_min_length} maxlength={1024} aria-describedby={fieldError("password") === null ? undefined : "password-error"} />
        <FieldError id="password-error" message={fieldError("password")} />
        <button type="submit">{t.signUp}</button>
      </form>
      <ConnectionButtons strings={t} csrf={props.csrf} tenantRef={props.tenantRef} connections={props.connections ?? []} />
      <p>
        <a href={back}>{t.haveAccount}</a>
      </p>
    </Layout>
  );
}
