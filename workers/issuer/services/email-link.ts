import { LINK_TOKEN_PATTERN, linkTokenHash } from "../../../shared/crypto/link-token";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod, resolveTenantSettings } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { EmailTokenPurpose, EmailTokenRecord } from "../../../shared/ports/email-token-store";
import type { TenantRepository } from "../../../shared/ports/tenant-repository";
import { isMfaRequired, type SignInAnswer } from "./second-step";
import type { AuditRecorder } from "./audit-recorder";
import { completeEmailProof, type EmailProofOutcome } from "./email-proof";
import { cancelCodeOf, type EmailSignInDeps } from "./email-sign-in";
import type { SignInTenant } from "./phone-sign-in";
import type { ActiveSigner } from "./signing-keys";

export interface EmailLinkDeps extends EmailSignInDeps {
  readonly tenants: TenantRepository;
  readonly defaultAudience: string;
}

/** A live link, read without spending it: what its page should offer. */
export interface LiveLink {
  readonly record: EmailTokenRecord;
  readonly tenant: SignInTenant;
  readonly tokenHash: string;
}

/** Looks a link's token up without spending it (a GET, or the checks before a POST spends it). Null: malformed, unknown, spent or expired. */
export async function inspectLink(deps: Pick<EmailLinkDeps, "emailTokens" | "tenants" | "defaultAudience">, token: string): Promise<LiveLink | null> {
  if (!LINK_TOKEN_PATTERN.test(token)) return null;
  const tokenHash = await linkTokenHash(token);
  const record = await deps.emailTokens.find(tokenHash, new Date());
  if (record === null) return null;
  const tenant = await deps.tenants.find(record.tenantId);
  if (tenant === null) return null;
  return { record, tokenHash, tenant: { tenant, settings: resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience }) } };
}

export type LinkCompletion =
  | { readonly kind: "verified"; readonly purpose: "verify_email" | "change_email"; readonly branding: string }
  /** The session goes back to the app in the fragment of its first redirect URI (never sent to a server, never logged). */
  | { readonly kind: "signed_in"; readonly location: string; readonly userId: string; readonly session: SignInAnswer }
  /** Nothing was spent: a sign-in link needs somewhere to hand the session to. */
  | { readonly kind: "no_return_address"; readonly branding: string };

/**
 * The link page's POST for a sign-in or an address confirmation: the token is spent once (of
 * racing POSTs one wins), the code sent with it dies, and the proof does what it was sent for.
 * A sign-in link of a tenant with no `redirect_uris`, or without `email_otp`, is not spent.
 */
export async function completeLink(deps: EmailLinkDeps, audit: AuditRecorder, context: RequestContext, link: LiveLink): Promise<Result<LinkCompletion, Failure>> {
  const { record, tenant } = link;
  const purpose = record.purpose;
  if (purpose === "reset_password") return err({ reason: "code_expired" });
  const returnUri = tenant.settings.redirect_uris[0];
  if (purpose === "sign_in") {
    if (!allowsSignInMethod(tenant.settings, "email_otp")) return err({ reason: "sign_in_method_disabled" });
    if (returnUri === undefined) return ok({ kind: "no_return_address", branding: tenant.settings.email_branding });
  }
  const signer = purpose === "sign_in" ? await deps.signingKeys.currentSigner() : null;
  const done = await spendLink(deps, audit, context, link, purpose, signer);
  if (!done.ok) return done;
  if (done.value.session !== null && returnUri !== undefined) return ok({ kind: "signed_in", location: withSessionFragment(returnUri, done.value.session), userId: done.value.userId, session: done.value.session });
  return ok({ kind: "verified", purpose: purpose === "change_email" ? "change_email" : "verify_email", branding: tenant.settings.email_branding });
}

/**
 * A link used to continue an authorization request in this browser: a sign-in link, or a
 * verification link (which signs in, as `POST /api/auth/email/verify` with `{token}` does).
 * The session (or the second step it owes) stays with the page, which opens the browser session.
 */
export async function completeLinkInBrowser(deps: EmailLinkDeps, audit: AuditRecorder, context: RequestContext, link: LiveLink): Promise<Result<{ readonly userId: string; readonly session: SignInAnswer }, Failure>> {
  const purpose = link.record.purpose;
  if (purpose === "reset_password" || purpose === "change_email") return err({ reason: "code_expired" });
  if (purpose === "sign_in" && !allowsSignInMethod(link.tenant.settings, "email_otp")) return err({ reason: "sign_in_method_disabled" });
  const signer = await deps.signingKeys.currentSigner();
  const done = await spendLink(deps, audit, context, link, purpose, signer);
  if (!done.ok) return done;
  if (done.value.session === null) return err({ reason: "code_expired" });
  return ok({ userId: done.value.userId, session: done.value.session });
}

/** Spends the token once (of racing POSTs one wins), kills the code sent with it, and does what the proof was sent for. */
async function spendLink(deps: EmailLinkDeps, audit: AuditRecorder, context: RequestContext, link: LiveLink, purpose: "sign_in" | "verify_email" | "change_email", signer: ActiveSigner | null): Promise<Result<EmailProofOutcome, Failure>> {
  const spent = await deps.emailTokens.consume(link.tokenHash, new Date(), { purposes: [purpose] satisfies EmailTokenPurpose[], tenantId: link.tenant.tenant.id });
  if (spent === null) return err({ reason: "code_expired" });
  await cancelCodeOf(deps, spent);
  return completeEmailProof(deps, audit, context, link.tenant, { record: spent, via: "link", signer });
}

/**
 * The implicit-flow shape (RFC 6749 §4.2.2) apps already parse: tokens in the fragment, which
 * browsers never send to a server. A second step still owed goes back the same way, as the
 * fields of the JSON answer (`mfa_required`, `mfa_token`, `methods` comma-separated, …).
 */
function withSessionFragment(returnUri: string, session: SignInAnswer): string {
  if (isMfaRequired(session)) {
    const owed = new URLSearchParams({ mfa_required: "true", mfa_token: session.mfa_token, methods: session.methods.join(","), expires_in: String(session.expires_in) });
    if (session.enroll !== undefined) {
      owed.set("enrollment_required", "true");
      owed.set("enroll", session.enroll.join(","));
    }
    return `${returnUri}#${owed.toString()}`;
  }
  const fragment = new URLSearchParams({ access_token: session.token, refresh_token: session.refresh_token, token_type: session.token_type, expires_in: String(session.expires_in) });
  return `${returnUri}#${fragment.toString()}`;
}
