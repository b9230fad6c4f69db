import { hasRoles, isAmbiguousPath, matchRoute } from "../../../shared/domain/gate-policy";
import type { Failure } from "../../../shared/errors/failure";
import { failureToResponse } from "../../../shared/http/error-body";
import { OUTAGE_RETRY_AFTER_SECONDS } from "../../../shared/http/dependency-outage";
import type { GateIdentity } from "../../../shared/gate-signature/identity-headers";
import type { GateDeps } from "../deps";
import { strictlyRevoked } from "../validation/revocation-snapshot";
import { publicDescription, type TokenRejection } from "../validation/token-rejection";
import { forwardToOrigin } from "./forward";

export interface GateRequest {
  readonly request: Request;
  readonly requestId: string;
  readonly waitUntil: (work: Promise<unknown>) => void;
}

const ANONYMOUS = { userId: "", tenantId: "", sessionId: "", roles: [] } as const;

/** Everything that is not `/__gate/*`: policy, token, revocation, roles, then the origin. */
export async function handleGatedRequest(deps: GateDeps, { request, requestId, waitUntil }: GateRequest): Promise<Response> {
  const now = Date.now();
  const url = new URL(request.url);
  if (isAmbiguousPath(url.pathname)) return failureToResponse({ reason: "ambiguous_path" });
  const rule = matchRoute(deps.config.policy, request.method, url.pathname);

  if (rule.access.kind === "public") {
    return forward(deps, request, url, { ...ANONYMOUS, requestId }, rule.forwardAuthorization, now);
  }

  const authentication = await deps.tokens.authenticate(request.headers.get("Authorization"), now, waitUntil);
  if (authentication.kind === "anonymous") return failureToResponse({ reason: "authentication_required" });
  if (authentication.kind === "rejected") return reject(deps, authentication.rejection, requestId);
  const { claims } = authentication;

  const revocation = await checkRevocation(deps, claims, now, waitUntil);
  if (revocation === "unavailable" || (revocation === "stale" && rule.sensitive)) {
    return failureToResponse({ reason: "service_unavailable", retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
  }
  if (revocation === "revoked") return reject(deps, "revoked", requestId);

  if (rule.access.kind === "authenticated" && !hasRoles(claims.roles, rule.access.roles)) {
    return failureToResponse({ reason: "insufficient_scope", description: "A required role is missing." });
  }
  const identity: GateIdentity = { userId: claims.sub, tenantId: claims.tid, sessionId: claims.sid, roles: claims.roles, requestId };
  return forward(deps, request, url, identity, rule.forwardAuthorization, now);
}

async function checkRevocation(
  deps: GateDeps,
  claims: { sid: string; sub: string; iat: number },
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

function reject(deps: GateDeps, rejection: TokenRejection, requestId: string): Response {
  // The reason is logged for operators; the token and its claims never are.
  deps.logger.info("token_rejected", { request_id: requestId, reason: rejection });
  const failure: Failure = { reason: "invalid_token", description: publicDescription(rejection) };
  return failureToResponse(failure);
}

async function forward(deps: GateDeps, request: Request, url: URL, identity: GateIdentity, forwardAuthorization: boolean, now: number): Promise<Response> {
  try {
    return await forwardToOrigin(deps.origin, deps.signer, { request, url, identity, forwardAuthorization, now });
  } catch (error) {
    deps.logger.error("origin_unreachable", { request_id: identity.requestId, error: error instanceof Error ? error.name : "unknown" });
    return failureToResponse({ reason: "bad_gateway" });
  }
}
