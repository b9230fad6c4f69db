import { raw } from "hono/html";
import type { SignInMethod, TenantSettings } from "../../../shared/domain/tenant-settings";
import { PASSKEY_SCRIPT } from "./passkey-script";
import { ConnectionButtons, type ConnectionButtonView } from "./connection-buttons";
import { FieldError, Layout } from "./layout";
import type { Strings } from "./strings-en";

/** Where the sign-in stands: the first factor, a phone code on its way, or the second step. */
export type LoginStep =
  | { readonly kind: "first" }
  | { readonly kind: "phone_code"; readonly phone: string }
  | { readonly kind: "email_code"; readonly email: string }
  /** A WebAuthn challenge to answer: the first factor, or (with `mfaToken`) the second. */
  | { readonly kind: "passkey"; readonly challengeId: string; readonly options: unknown; readonly mfaToken: string | null }
  | { readonly kind: "second_factor"; readonly mfaToken: string; readonly methods: readonly string[] };

/** How a page names its tenant: a pending authorization request, a publishable key, or (for the account page) a tenant id. */
export type TenantRefName = "request" | "key" | "account";

export interface LoginPageProps {
  readonly strings: Strings;
  readonly settings: TenantSettings;
  readonly nonce: string;
  readonly csrf: string;
  /**
   * How the page knows its tenant, carried by every form so a POST names it as the GET did:
   * the pending authorization request (its query), or a publishable key.
   */
  readonly tenantRef: { readonly name: TenantRefName; readonly value: string };
  readonly step: LoginStep;
  readonly email?: string;
  /** `login_hint` when it is a phone number. */
  readonly phone?: string;
  /** A refusal, shown beside the field it concerns (or at the top when it concerns none). */
  readonly error?: { readonly field: string | null; readonly message: string };
  /** The tenant's enabled social and enterprise connections, one button each. */
  readonly connections?: readonly ConnectionButtonView[];
}

function Hidden(props: LoginPageProps & { readonly step_name: string }) {
  return (
    <>
      <input type="hidden" name="csrf" value={props.csrf} />
      <input type="hidden" name={props.tenantRef.name} value={props.tenantRef.value} />
      <input type="hidden" name="step" value={props.step_name} />
    </>
  );
}

/** The second half of a code sign-in: where the code went, and a field to type it in. */
function CodeForm(props: LoginPageProps & { readonly step_name: string; readonly sentTo: { readonly name: string; readonly value: string }; readonly sent: string; readonly inputId: string }) {
  const t = props.strings;
  const error = errorFor(props, "code");
  return (
    <form method="post" action="/login">
      <Hidden {...props} />
      <input type="hidden" name={props.sentTo.name} value={props.sentTo.value} />
      <p>{props.sent}</p>
      <label for={props.inputId}>{t.code}</label>
      <input id={props.inputId} name="code" inputmode="numeric" autocomplete="one-time-code" maxlength={10} required autofocus aria-describedby={error === null ? undefined : "code-error"} />
      <FieldError id="code-error" message={error} />
      <button type="submit">{t.verifyCode}</button>
    </form>
  );
}

function errorFor(props: LoginPageProps, field: string): string | null {
  return props.error !== undefined && props.error.field === field ? props.error.message : null;
}

function enabled(settings: TenantSettings, method: SignInMethod): boolean {
  return settings.sign_in_methods.includes(method);
}

export function LoginPage(props: LoginPageProps) {
  const { strings: t, settings, step } = props;
  const general = props.error !== undefined && props.error.field === null ? props.error.message : null;
  const keyQuery = `?${props.tenantRef.name}=${encodeURIComponent(props.tenantRef.value)}`;
  return (
    <Layout title={step.kind === "second_factor" ? t.secondStepTitle : t.signInTitle(settings.email_branding)} strings={t} settings={settings} nonce={props.nonce}>
      {general !== null && <p role="alert" id="form-error">{general}</p>}
      {step.kind === "passkey" && (
        <form method="post" action="/login" id="passkey-form" data-options={JSON.stringify(step.options)}>
          <Hidden {...props} step_name={step.mfaToken === null ? "passkey" : "second_factor_passkey"} />
          {step.mfaToken !== null && <input type="hidden" name="mfa_token" value={step.mfaToken} />}
          <input type="hidden" name="challenge_id" value={step.challengeId} />
          <input type="hidden" name="credential" value="" />
          <p>{t.passkeyPrompt}</p>
          <p id="passkey-failed" role="alert" hidden>
            {t.passkeyFailed}
          </p>
          <button type="button" id="passkey-button" data-passkey hidden>
            {t.usePasskey}
          </button>
          <noscript>
            <p>{t.passkeyNeedsScript}</p>
          </noscript>
          <p>
            <a href={`/login${keyQuery}`}>{t.backToSignIn}</a>
          </p>
        </form>
      )}
      {step.kind === "second_factor" && step.methods.includes("passkey") && (
        <form method="post" action="/login" data-passkey hidden>
          <Hidden {...props} step_name="second_factor_passkey_start" />
          <input type="hidden" name="mfa_token" value={step.mfaToken} />
          <button type="submit">{t.usePasskey}</button>
        </form>
      )}
      {step.kind === "second_factor" && (step.methods.includes("totp") || step.methods.includes("recovery_code")) && (
        <form method="post" action="/login">
          <Hidden {...props} step_name="second_factor" />
          <input type="hidden" name="mfa_token" value={step.mfaToken} />
          {step.methods.includes("totp") && (
            <>
              <label for="totp">{t.totpCode}</label>
              <input id="totp" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} autofocus aria-describedby={errorFor(props, "code") === null ? undefined : "code-error"} />
            </>
          )}
          {step.methods.includes("recovery_code") && (
            <>
              <label for="recovery">{t.recoveryCode}</label>
              <input id="recovery" name="recovery_code" autocomplete="off" maxlength={64} />
            </>
          )}
          <FieldError id="code-error" message={errorFor(props, "code")} />
          <button type="submit">{t.verify}</button>
        </form>
      )}
      {step.kind === "phone_code" && <CodeForm {...props} step_name="phone_verify" sentTo={{ name: "phone", value: step.phone }} sent={t.codeSent} inputId="code" />}
      {step.kind === "email_code" && <CodeForm {...props} step_name="email_verify" sentTo={{ name: "email", value: step.email }} sent={t.emailCodeSent} inputId="email-code" />}
      {step.kind === "first" && enabled(settings, "password") && (
        <form method="post" action="/login">
          <Hidden {...props} step_name="password" />
          <label for="email">{t.email}</label>
          <input id="email" name="email" type="email" autocomplete="username" required maxlength={320} value={props.email} aria-describedby={errorFor(props, "email") === null ? undefined : "email-error"} />
          <FieldError id="email-error" message={errorFor(props, "email")} />
          <label for="password">{t.password}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required maxlength={1024} aria-describedby={errorFor(props, "password") === null ? undefined : "password-error"} />
          <FieldError id="password-error" message={errorFor(props, "password")} />
          <button type="submit">{t.signIn}</button>
          <p>
            <a href={`/reset-password${keyQuery}`}>{t.forgotPassword}</a>
          </p>
          <p>
            <a href={`/signup${keyQuery}`}>{t.noAccount}</a>
          </p>
        </form>
      )}
      {step.kind === "first" && enabled(settings, "email_otp") && (
        <form method="post" action="/login">
          <Hidden {...props} step_name="email_request" />
          <label for="email-otp">{t.email}</label>
          <input id="email-otp" name="email" type="email" autocomplete="email" required maxlength={320} value={props.email} aria-describedby={errorFor(props, "email_otp") === null ? undefined : "email-otp-error"} />
          <FieldError id="email-otp-error" message={errorFor(props, "email_otp")} />
          <button type="submit">{t.emailMeCode}</button>
        </form>
      )}
      {step.kind === "first" && enabled(settings, "passkey") && (
        <form method="post" action="/login" data-passkey hidden>
          <Hidden {...props} step_name="passkey_start" />
          <button type="submit">{t.signInWithPasskey}</button>
        </form>
      )}
      {step.kind === "first" && enabled(settings, "phone_otp") && (
        <form method="post" action="/login">
          <Hidden {...props} step_name="phone_request" />
          <label for="phone">{t.phone}</label>
          <input id="phone" name="phone" type="tel" autocomplete="tel" required maxlength={32} value={props.phone} aria-describedby={errorFor(props, "phone") === null ? undefined : "phone-error"} />
          <FieldError id="phone-error" message={errorFor(props, "phone")} />
          <button type="submit">{t.sendCode}</button>
        </form>
      )}
      {step.kind === "first" && <ConnectionButtons strings={t} csrf={props.csrf} tenantRef={props.tenantRef} connections={props.connections ?? []} />}
      <script nonce={props.nonce}>{raw(PASSKEY_SCRIPT)}</script>
    </Layout>
  );
}
