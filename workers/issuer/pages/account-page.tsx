import { raw } from "hono/html";
import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { FieldError, Layout } from "./layout";
import { PASSKEY_REGISTER_SCRIPT } from "./scripts/passkey-register";
import type { Strings } from "./strings-en";

/** The forms of the account page, each posting to `/account/<action>`. */
export type AccountAction = "profile" | "email" | "phone/request" | "phone/verify" | "password" | "totp/start" | "totp/confirm" | "totp/remove" | "recovery-codes" | "passkeys/options" | "passkeys/register" | "passkeys/remove" | "sessions/revoke" | "sessions/revoke-all" | "delete" | "identities/link" | "identities/unlink";

export interface AccountView {
  readonly user: { readonly id: string; readonly name: string; readonly email: string | null; readonly emailVerified: boolean; readonly phone: string | null; readonly hasPassword: boolean };
  readonly factors: { readonly totp: boolean; readonly passkeys: number; readonly recoveryCodesRemaining: number };
  /** Linked identities, with the name of their provider as shown to users. */
  readonly identities: readonly { readonly id: string; readonly provider: string; readonly email: string | null; readonly linkedAt: string }[];
  /** The tenant's connections this user has no identity of yet: a "Link" button each. */
  readonly linkable: readonly { readonly connectionId: string; readonly provider: string }[];
  readonly passkeys: readonly { readonly id: string; readonly name: string; readonly createdAt: string; readonly lastUsedAt: string | null }[];
  readonly sessions: readonly { readonly id: string; readonly userAgent: string | null; readonly createdAt: string; readonly lastUsedAt: string; readonly thisBrowser: boolean; readonly appSessions: number }[];
}

export interface AccountPageProps {
  readonly strings: Strings;
  readonly settings: TenantSettings;
  readonly nonce: string;
  readonly csrf: string;
  readonly view: AccountView;
  /** A TOTP enrolment waiting for its code: the QR code (SVG markup from the QR library) and the key as text. */
  readonly enrolment?: { readonly qrSvg: string; readonly secret: string };
  /** A wrong confirming code: the form to try again (the key itself is not shown twice). */
  readonly confirmingTotp?: boolean;
  /** Recovery codes just made: shown this once. */
  readonly recoveryCodes?: readonly string[];
  /** A code was sent to this number: the form that proves it. */
  readonly phoneCodeSentTo?: string;
  /** A passkey being added: the challenge and the creation options (JSON) our script hands to the browser. */
  readonly passkeyRegistration?: { readonly challengeId: string; readonly optionsJson: string };
  readonly notice?: string;
  /** A refusal of one form, beside the field it concerns (or at the top of that form). */
  readonly error?: { readonly action: AccountAction; readonly field: string | null; readonly message: string };
}

/** `2026-12-02 13:45 UTC`: the same in every browser, no script needed. */
export function pageTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function AccountPage(props: AccountPageProps) {
  const { strings, settings, view } = props;
  const t = strings.account;
  const Form = (form: { readonly action: AccountAction; readonly children?: unknown; readonly label?: string }) => {
    const general = props.error !== undefined && props.error.action === form.action && props.error.field === null ? props.error.message : null;
    return (
      <form method="post" action={`/account/${form.action}`} aria-label={form.label}>
        <input type="hidden" name="csrf" value={props.csrf} />
        {general !== null && <p role="alert">{general}</p>}
        {form.children}
      </form>
    );
  };
  const fieldError = (action: AccountAction, field: string) => (props.error !== undefined && props.error.action === action && props.error.field === field ? props.error.message : null);
  const describedBy = (action: AccountAction, field: string, id: string) => (fieldError(action, field) === null ? undefined : id);
  const canUsePassword = settings.sign_in_methods.includes("password");
  return (
    <Layout title={t.title(settings.email_branding)} strings={strings} settings={settings} nonce={props.nonce}>
      {props.notice !== undefined && <p role="status">{props.notice}</p>}

      <section aria-labelledby="profile-title">
        <h2 id="profile-title">{t.profileTitle}</h2>
        <dl>
          <dt>{t.userId}</dt>
          <dd>{view.user.id}</dd>
          <dt>{t.email}</dt>
          <dd>
            {view.user.email ?? t.none} {view.user.email !== null && !view.user.emailVerified && t.emailUnverified}
          </dd>
          <dt>{t.phone}</dt>
          <dd>{view.user.phone ?? t.none}</dd>
        </dl>
        <Form action="profile">
          <label for="display-name">{t.displayName}</label>
          <input id="display-name" name="name" autocomplete="name" maxlength={100} value={view.user.name} aria-describedby={describedBy("profile", "name", "display-name-error")} />
          <FieldError id="display-name-error" message={fieldError("profile", "name")} />
          <button type="submit">{t.saveName}</button>
        </Form>
        <Form action="email">
          <label for="new-email">{t.newEmail}</label>
          <input id="new-email" name="email" type="email" autocomplete="email" required maxlength={320} aria-describedby={describedBy("email", "email", "new-email-error")} />
          <FieldError id="new-email-error" message={fieldError("email", "email")} />
          <button type="submit">{t.changeEmail}</button>
        </Form>
        {props.phoneCodeSentTo === undefined ? (
          <Form action="phone/request">
            <label for="new-phone">{t.newPhone}</label>
            <input id="new-phone" name="phone" type="tel" autocomplete="tel" required maxlength={32} aria-describedby={describedBy("phone/request", "phone", "new-phone-error")} />
            <FieldError id="new-phone-error" message={fieldError("phone/request", "phone")} />
            <button type="submit">{t.sendPhoneCode}</button>
          </Form>
        ) : (
          <Form action="phone/verify">
            <input type="hidden" name="phone" value={props.phoneCodeSentTo} />
            <p>{t.phoneCodeSent(props.phoneCodeSentTo)}</p>
            <label for="phone-code">{t.phoneCode}</label>
            <input id="phone-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength={10} required aria-describedby={describedBy("phone/verify", "code", "phone-code-error")} />
            <FieldError id="phone-code-error" message={fieldError("phone/verify", "code") ?? fieldError("phone/verify", "phone")} />
            <button type="submit">{t.verifyPhone}</button>
          </Form>
        )}
      </section>

      <section aria-labelledby="methods-title">
        <h2 id="methods-title">{t.methodsTitle}</h2>
        <ul>
          {view.user.email !== null && view.user.emailVerified && <li>{t.methodEmail}</li>}
          {view.user.phone !== null && <li>{t.methodPhone}</li>}
          {view.user.hasPassword && <li>{t.methodPassword}</li>}
          {view.factors.passkeys > 0 && <li>{t.methodPasskeys(view.factors.passkeys)}</li>}
          {view.factors.totp && <li>{t.methodTotp}</li>}
          {view.identities.map((identity) => (
            <li>{t.identityLinked(identity.provider, pageTime(identity.linkedAt))}</li>
          ))}
        </ul>
      </section>

      {(view.identities.length > 0 || view.linkable.length > 0) && (
        <section aria-labelledby="identities-title">
          <h2 id="identities-title">{t.identitiesTitle}</h2>
          {view.identities.length === 0 && <p>{t.identitiesNone}</p>}
          <ul>
            {view.identities.map((identity) => (
              <li>
                {t.identityDetails(identity.provider, identity.email, pageTime(identity.linkedAt))}
                <Form action="identities/unlink">
                  <input type="hidden" name="identity_id" value={identity.id} />
                  <button type="submit">{t.unlink(identity.provider)}</button>
                </Form>
              </li>
            ))}
          </ul>
          {view.linkable.map((connection) => (
            <Form action="identities/link">
              <input type="hidden" name="connection_id" value={connection.connectionId} />
              <button type="submit">{t.link(connection.provider)}</button>
            </Form>
          ))}
        </section>
      )}

      {canUsePassword && (
        <section aria-labelledby="password-title">
          <h2 id="password-title">{t.passwordTitle}</h2>
          <Form action="password">
            {view.user.hasPassword && (
              <>
                <label for="current-password">{t.currentPassword}</label>
                <input id="current-password" name="current_password" type="password" autocomplete="current-password" required maxlength={1024} aria-describedby={describedBy("password", "current_password", "current-password-error")} />
                <FieldError id="current-password-error" message={fieldError("password", "current_password")} />
              </>
            )}
            <label for="new-password">{t.newPassword(settings.password_min_length)}</label>
            <input id="new-password" name="new_password" type="password" autocomplete="new-password" required minlength={settings.password_min_length} maxlength={1024} aria-describedby={describedBy("password", "new_password", "new-password-error")} />
            <FieldError id="new-password-error" message={fieldError("password", "new_password")} />
            <button type="submit">{view.user.hasPassword ? t.changePassword : t.setPassword}</button>
          </Form>
        </section>
      )}

      {settings.mfa !== "off" && (
        <section aria-labelledby="totp-title">
          <h2 id="totp-title">{t.totpTitle}</h2>
          {props.enrolment !== undefined ? (
            <>
              <p>{t.totpScan}</p>
              <figure role="img" aria-label={t.totpQrLabel} class="qr">
                {raw(props.enrolment.qrSvg)}
              </figure>
              <p>{t.totpManual}</p>
              <p>
                <code id="totp-secret">{props.enrolment.secret}</code>
              </p>
            </>
          ) : (
            <p>{view.factors.totp ? t.totpActive : t.totpNone}</p>
          )}
          {(props.enrolment !== undefined || props.confirmingTotp === true) && (
            <Form action="totp/confirm">
              <label for="totp-code">{t.totpCode}</label>
              <input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} required aria-describedby={describedBy("totp/confirm", "code", "totp-code-error")} />
              <FieldError id="totp-code-error" message={fieldError("totp/confirm", "code")} />
              <button type="submit">{t.totpConfirm}</button>
            </Form>
          )}
          {props.enrolment === undefined && props.confirmingTotp !== true && !view.factors.totp && (
            <Form action="totp/start">
              <button type="submit">{t.totpStart}</button>
            </Form>
          )}
          {props.enrolment === undefined && view.factors.totp && (
            <Form action="totp/remove">
              <button type="submit">{t.totpRemove}</button>
            </Form>
          )}
        </section>
      )}

      {(view.factors.totp || view.factors.passkeys > 0 || props.recoveryCodes !== undefined) && (
        <section aria-labelledby="recovery-title">
          <h2 id="recovery-title">{t.recoveryTitle}</h2>
          {props.recoveryCodes !== undefined ? (
            <>
              <p role="status">{t.recoveryShownOnce}</p>
              <ul id="recovery-codes">
                {props.recoveryCodes.map((code) => (
                  <li>
                    <code>{code}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t.recoveryRemaining(view.factors.recoveryCodesRemaining)}</p>
          )}
          <Form action="recovery-codes">
            <button type="submit">{t.recoveryRenew}</button>
          </Form>
        </section>
      )}

      <section aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">{t.passkeysTitle}</h2>
        {view.passkeys.length === 0 && <p>{t.passkeysNone}</p>}
        <ul>
          {view.passkeys.map((passkey) => (
            <li>
              {passkey.name}, {t.passkeyCreated(pageTime(passkey.createdAt))}
              {passkey.lastUsedAt !== null && `, ${t.passkeyLastUsed(pageTime(passkey.lastUsedAt))}`}
              <Form action="passkeys/remove">
                <input type="hidden" name="passkey_id" value={passkey.id} />
                <button type="submit">{t.passkeyRemove(passkey.name)}</button>
              </Form>
            </li>
          ))}
        </ul>
        {props.passkeyRegistration === undefined ? (
          <Form action="passkeys/options">
            <button type="submit">{t.passkeyAdd}</button>
          </Form>
        ) : (
          <form method="post" action="/account/passkeys/register" id="passkey-register">
            <input type="hidden" name="csrf" value={props.csrf} />
            <input type="hidden" name="challenge_id" value={props.passkeyRegistration.challengeId} />
            <input type="hidden" name="credential" value="" />
            <input type="hidden" id="passkey-options" value={props.passkeyRegistration.optionsJson} />
            <label for="passkey-name">{t.passkeyName}</label>
            <input id="passkey-name" name="name" maxlength={64} autocomplete="off" />
            <p id="passkey-status" role="status" data-failed={t.passkeyFailed}></p>
            <noscript>
              <p>{t.passkeyNeedsScript}</p>
            </noscript>
            <button type="submit">{t.passkeyAdd}</button>
            <script nonce={props.nonce}>{raw(PASSKEY_REGISTER_SCRIPT)}</script>
          </form>
        )}
        {props.error !== undefined && props.error.action === "passkeys/register" && <p role="alert">{props.error.message}</p>}
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t.sessionsTitle}</h2>
        <ul>
          {view.sessions.map((session) => {
            const device = session.userAgent ?? t.sessionUnknownDevice;
            return (
              <li>
                <strong>{session.thisBrowser ? `${t.sessionThis}: ` : ""}</strong>
                {t.sessionDevice(device)}
                <br />
                {t.sessionTimes(pageTime(session.createdAt), pageTime(session.lastUsedAt))}
                {session.appSessions > 0 ? (
                  <>
                    <br />
                    {t.sessionApps(session.appSessions)}
                  </>
                ) : null}
                <Form action="sessions/revoke" label={t.sessionRevokeLabel(device, pageTime(session.createdAt))}>
                  <input type="hidden" name="session_id" value={session.id} />
                  <button type="submit" aria-label={t.sessionRevokeLabel(device, pageTime(session.createdAt))}>
                    {t.sessionRevoke}
                  </button>
                </Form>
              </li>
            );
          })}
        </ul>
        <Form action="sessions/revoke-all">
          <button type="submit">{t.sessionsRevokeAll}</button>
        </Form>
      </section>

      <section aria-labelledby="delete-title">
        <h2 id="delete-title">{t.deleteTitle}</h2>
        <p>{t.deleteWarning}</p>
        <Form action="delete">
          <input id="delete-confirm" name="confirm" type="checkbox" value="yes" required aria-describedby={describedBy("delete", "confirm", "delete-confirm-error")} />
          <label for="delete-confirm" class="inline">
            {t.deleteConfirm}
          </label>
          <FieldError id="delete-confirm-error" message={fieldError("delete", "confirm")} />
          <button type="submit">{t.deleteButton}</button>
        </Form>
      </section>
    </Layout>
  );
}
