import type { Failure } from "../../../shared/errors/failure";
import { ok, type Result } from "../../../shared/errors/result";
import type { SignedIn } from "../services/account-session";
import { countEnrolmentAttempt, finishEnrolment } from "../services/enrolment-step";
import { SECOND_FACTOR_AMR } from "../services/mfa-verify";
import type { AuthContext, EnrollingCaller } from "./auth-context";
import { enrolmentStepDeps } from "./second-factor-deps";

/**
 * Runs the step that completes an enrolment (a TOTP confirmation, a passkey registration).
 * For a signed-in caller it is just the step. For an enrolment `mfa_token` the attempt is
 * counted against the token first, and a success spends the token and adds the session
 * fields to the step's answer.
 */
export async function completingEnrolment<T extends object>(
  c: AuthContext,
  caller: EnrollingCaller,
  method: "totp" | "passkey",
  step: () => Promise<Result<T, Failure>>,
): Promise<Result<T | (T & SignedIn), Failure>> {
  if (caller.kind === "session") return step();
  const deps = enrolmentStepDeps(c.get("deps"));
  const attempt = await countEnrolmentAttempt(deps, caller.enrolling);
  if (!attempt.ok) return attempt;
  const done = await step();
  if (!done.ok) return done;
  const session = await finishEnrolment(deps, c.get("audit"), c.get("context"), caller.enrolling, attempt.value, { method, amr: SECOND_FACTOR_AMR[method] });
  return session.ok ? ok({ ...done.value, ...session.value }) : session;
}
