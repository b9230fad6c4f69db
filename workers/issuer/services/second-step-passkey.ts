import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { PasskeyDeps } from "./passkeys/passkey-deps";
import type { PasskeyOptionsAnswer } from "./passkeys/passkey-registration";
import { passkeyOptionsForUser } from "./passkeys/passkey-sign-in";
import type { SignInTenant } from "./phone-sign-in";
import { isMfaToken, mfaTokenHash, type SecondStepDeps } from "./second-step";

/**
 * `POST /api/auth/passkeys/login/options` with `{"mfa_token"}`: a challenge bound to the
 * token's user, listing their passkeys, for `POST /api/auth/mfa/verify` with method `passkey`.
 * Asking for options counts no attempt (nothing is checked); the verify does.
 */
export async function secondStepPasskeyOptions(deps: PasskeyDeps & Pick<SecondStepDeps, "mfaTickets">, tenant: SignInTenant, mfaToken: string): Promise<Result<PasskeyOptionsAnswer, Failure>> {
  if (!isMfaToken(mfaToken)) return err({ reason: "mfa_token_expired" });
  const ticket = await deps.mfaTickets.peek(await mfaTokenHash(mfaToken), tenant.tenant.id);
  if (ticket === null) return err({ reason: "mfa_token_expired" });
  return ok(await passkeyOptionsForUser(deps, tenant, ticket.userId));
}
