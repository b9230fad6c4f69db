import { authenticationShortfall, MFA_ACR, type AuthenticationRequirement } from "../../../shared/domain/authentication-methods";
import type { PathRefusal } from "../../../shared/domain/canonical-path";
import { isClientToken } from "../../../shared/domain/access-token-claims";
import { hasRoles, POLICY_METHODS } from "../../../shared/domain/gate-policy";
import type { Failure } from "../../../shared/errors/failure";
import type { Result } from "../../../shared/errors/result";
import { failureToResponse } from "../../../shared/http/error-body";
import { OUTAGE_RETRY_AFTER_SECONDS } from "../../../shared/http/dependency-outage";
import type { GateDeps } from "../deps";
import { strictlyRevoked, type RevocableClaims } from "../validation/revocation-snapshot";
import { publicDescription, type TokenRejection } from "../validation/token-rejection";
import { forwardToOrigin, readForwardedBody, type ForwardedIdentity } from "./forward";
import { requestTarget } from "./request-target";

export interface GateRequest {
  readonly request: Request;
  readonly requestId: string;
  readonly waitUntil: (work: Promise<unknown>) => void;
}

const ANONYMOUS = { kind: "anonymous" } as const;

/**
 * Everything that is not `/__gate/*`: method, path, policy, token, revocation,
 * roles, how recently and with how many factors the user signed in, then the
 * origin. The policy decides on the canonical path, and that same path is the
 * one forwarded; the sign-in is judged on the claims the origin is told.
 */
export async function handleGatedRequest(deps: GateDeps, { request, requestId, waitUntil }: GateRequest): Promise<Response> {
  if (deps.config.tenants.kind === "unset") return failureToResponse({ reason: "gate_not_configured" });
  const now = Date.now();
  if (!POLICY_METHODS.includes(request.method)) return failureToResponse({ reason: "method_not_allowed", allow: POLICY_METHODS });
  const { pathname, search } = requestTarget(request.url);
  const decision = deps.routes.decide(request.method, pathname);
  if (!decision.ok) return refusePath(deps, decision.error, requestId);
  const { rule } = decision.value;
  const target = { search, path: decision.value.path };

  if (rule.access.kind === "public") {
    return forward(deps, request, target, { ...ANONYMOUS, requestId }, rule.forwardAuthorization, now);
  }

  const authentication = await deps.tokens.authenticate(request.headers.get("Authorization"), now, waitUntil);
  if (authentication.kind === "anonymous") return failureToResponse({ reason: "authentication_required" });
  if (authentication.kind === "rejected") return reject(deps, authentication.rejection, requestId);
  const { claims } = authentication;

  const revocation = await checkRevocation(deps, { sid: isClientToken(claims) ? null : claims.sid, sub: claims.sub, iat: claims.iat }, now, waitUntil);
  if (revocation === "unavailable" || (revocation === "stale" && rule.sensitive)) {
    return failureToResponse({ reason: "service_unavailable", retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
  }
  if (revocation === "revoked") return reject(deps, "revoked", requestId);

  // A missing role first: signing in again, however strongly, would not grant it.
  if (!hasRoles(claims.roles, rule.access.roles)) {
    return failureToResponse({ reason: "insufficient_scope", description: "A required role is missing." });
  }
  // Judged on every request, cached tokens too: `max_age` depends on the time now.
  const { signIn } = rule.access;
  if (signIn !== null) {
    // A client signed nobody in: no fresher or stronger sign-in can exist, so no step-up challenge.
    if (isClientToken(claims)) return failureToResponse({ reason: "insufficient_scope", description: "This route requires a signed-in user; a client's token has none." });
    const shortfall = authenticationShortfall(claims, signIn, Math.floor(now / 1000));
    if (shortfall !== null) return stepUp(deps, signIn, shortfall, requestId);
  }
  const identity: ForwardedIdentity = { kind: "token", headers: authentication.identity, requestId };
  return forward(deps, request, target, identity, rule.forwardAuthorization, now);
}

async function checkRevocation(
  deps: GateDeps,
  claims: RevocableClaims,
  now: number,
  waitUntil: (work: Promise<unknown>) => void,
): Promise<"live" | "revoked" | "stale" | "unavailable"> {
  if (deps.config.revocationMode === "strict") {
    try {
      return (await strictlyRevoked(deps.revocationReader, claims)) ? "revoked" : "live";
    } catch {
      return "unavailable";
    }
  }
  const verdict = await deps.revocations.check(claims, now, waitUntil);
  if (verdict.revoked) return "revoked";
  if (!verdict.loaded) return "unavailable";
  return verdict.fresh ? "live" : "stale";
}

function refusePath(deps: GateDeps, refusal: PathRefusal | "ambiguous_path", requestId: string): Response {
  deps.logger.info("path_refused", { request_id: requestId, reason: refusal });
  return failureToResponse({ reason: "ambiguous_path" });
}

/** RFC 9470 §3: the challenge names the `max_age` the route needs, and the `acr_values` when a second factor is what is missing. */
function stepUp(deps: GateDeps, requirement: AuthenticationRequirement, shortfall: "mfa" | "max_age", requestId: string): Response {
  deps.logger.info("step_up_required", { request_id: requestId, reason: shortfall });
  const failure: Failure = {
    reason: "insufficient_user_authentication",
    description: shortfall === "mfa" ? "A sign-in with a second factor is required." : "A more recent sign-in is required.",
    ...(requirement.maxAge === undefined ? {} : { maxAge: requirement.maxAge }),
    ...(shortfall === "mfa" ? { acrValues: MFA_ACR } : {}),
  };
  return failureToResponse(failure);
}

function reject(deps: GateDeps, rejection: TokenRejection, requestId: string): Response {
  // The reason is logged for operators; the token and its claims never are.
  deps.logger.info("token_rejected", { request_id: requestId, reason: rejection });
  const failure: Failure = { reason: "invalid_token", description: publicDescription(rejection) };
  return failureToResponse(failure);
}

async function forward(
  deps: GateDeps,
  request: Request,
  target: { search: string; path: string },
  identity: ForwardedIdentity,
  forwardAuthorization: boolean,
  now: number,
): Promise<Response> {
  let body: Result<Uint8Array, Failure>;
  try {
    body = await readForwardedBody(request);
  } catch (error) {
    // The client broke off its upload: its doing, not the origin's, so not an error-level outage.
    deps.logger.info("client_body_unreadable", { request_id: identity.requestId, error: error instanceof Error ? error.name : "unknown" });
    return failureToResponse({ reason: "invalid_request", field: "body", message: "The request body could not be read." });
  }
  if (!body.ok) return failureToResponse(body.error);
  try {
    return await forwardToOrigin(deps.origin, deps.signer, { request, body: body.value, ...target, identity, forwardAuthorization, now });
  } catch (error) {
    deps.logger.error("origin_unreachable", { request_id: identity.requestId, error: error instanceof Error ? error.name : "unknown" });
    return failureToResponse({ reason: "bad_gateway" });
  }
}
