import { checkPassword } from "../../../shared/domain/password-policy";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { BreachedPasswordCheck } from "../../../shared/ports/breached-passwords";

export interface NewPasswordDeps {
  readonly breachedPasswords: BreachedPasswordCheck;
}

/**
 * The policy for a password being set (sign-up, reset, change): the tenant's minimum,
 * the ceiling, not the address, not on the bundled list, then not in the range API's
 * corpus. When that API cannot answer the password is accepted (it passed the bundled
 * list); the adapter logs the outage. Answers the NFKC form to hash.
 */
export async function acceptNewPassword(deps: NewPasswordDeps, password: string, rules: { readonly minLength: number; readonly email: string | null }): Promise<Result<string, Failure>> {
  const checked = checkPassword(password, rules);
  if (!checked.ok) return err({ reason: "weak_password", detail: checked.reason });
  if ((await deps.breachedPasswords.isBreached(checked.normalized)) === "breached") return err({ reason: "weak_password", detail: "breached" });
  return ok(checked.normalized);
}
