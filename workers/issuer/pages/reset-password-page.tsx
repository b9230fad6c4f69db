import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { FieldError, Layout } from "./layout";
import type { TenantRefName } from "./login-page";
import type { Strings } from "./strings-en";

/** The request form (which tenant: the login page's reference), or the form the emailed link opens. */
export type ResetStep = { readonly kind: "request"; readonly tenantRef: { readonly name: TenantRefName; readonly value: string } } | { readonly kind: "choose"; readonly token: string };

export interface ResetPasswordPageProps {
  readonly strings: Strings;
  readonly settings: TenantSettings;
  readonly nonce: string;
  readonly csrf: string;
  readonly step: ResetStep;
  readonly email?: string;
  readonly error?: { readonly field: string | null; readonly message: string };
}

export function ResetPasswordPage(props: ResetPasswordPageProps) {
  const { strings: t, settings, step } = props;
  const fieldError = (field: string) => (props.error !== undefined && props.error.field === field ? props.error.message : null);
  const describedBy = (field: string) => (fieldError(field) === null ? undefined : `${field}-error`);
  const general = props.error !== undefined && props.error.field === null ? props.error.message : null;
  return (
    <Layout title={step.kind === "request" ? t.resetTitle : t.chooseTitle} strings={t} settings={settings} nonce={props.nonce}>
      {general !== null && <p role="alert">{general}</p>}
      {step.kind === "request" ? (
        <>
          <p>{t.resetIntro}</p>
          <form method="post" action="/reset-password">
            <input type="hidden" name="csrf" value={props.csrf} />
            <input type="hidden" name={step.tenantRef.name} value={step.tenantRef.value} />
            <input type="hidden" name="step" value="request" />
            <label for="email">{t.email}</label>
            <input id="email" name="email" type="email" autocomplete="username" required maxlength={320} value={props.email} aria-describedby={describedBy("email")} />
            <FieldError id="email-error" message={fieldError("email")} />
            <button type="submit">{t.sendResetLink}</button>
          </form>
          <p>
            <a href={`/login?${step.tenantRef.name}=${encodeURIComponent(step.tenantRef.value)}`}>{t.backToSignIn}</a>
          </p>
        </>
      ) : (
        <form method="post" action="/reset-password">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="token" value={step.token} />
          <input type="hidden" name="step" value="choose" />
          <label for="password">{t.newPassword(settings.password_min_length)}</label>
          <input id="password" name="password" type="password" autocomplete="new-password" required minlength={settings.password_min_length} maxlength={128} autofocus aria-describedby={describedBy("password")} />
          <FieldError id="password-error" message={fieldError("password")} />
          <label for="password_confirm">{t.confirmPassword}</label>
          <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required maxlength={128} aria-describedby={describedBy("password_confirm")} />
          <FieldError id="password_confirm-error" message={fieldError("password_confirm")} />
          <button type="submit">{t.setPassword}</button>
        </form>
      )}
    </Layout>
  );
}
