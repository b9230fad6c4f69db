import { requestTarget } from "../../../shared/gate-signature/canonical-string";
import { IDENTITY_HEADERS, isIdentityHeader, type GateIdentity } from "../../../shared/gate-signature/identity-headers";
import type { GateSigner } from "../../../shared/gate-signature/sign";

/** Headers that describe one connection, not the request; never forwarded. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

export interface ForwardTarget {
  /** The origin's base URL (`ORIGIN_URL`, no trailing slash), used for the URL even when a service binding carries the request. */
  readonly originUrl: string;
  /** A service binding to the origin, when configured; otherwise the public `fetch`. */
  readonly binding: Fetcher | undefined;
}

export interface ForwardInput {
  readonly request: Request;
  /** The request's URL, already parsed by the caller; its query is forwarded. */
  readonly url: URL;
  /** The canonical path the policy decided on (see canonical-path.ts); forwarded in place of the URL's own. */
  readonly path: string;
  readonly identity: GateIdentity;
  readonly forwardAuthorization: boolean;
  readonly now: number;
}

/**
 * Sends the request on to the origin: the canonical path, and method, query
 * and body as they came (the body streamed), every identity header a client
 * sent removed, the gate's identity headers and their signature added.
 */
export async function forwardToOrigin(target: ForwardTarget, signer: GateSigner, input: ForwardInput): Promise<Response> {
  const upstreamUrl = new URL(`${target.originUrl}${input.path}${input.url.search}`);
  // A native copy, then the few headers that must not pass removed: cheaper than re-adding each one.
  // Header names come back lower-cased from a Headers object.
  const headers = new Headers(input.request.headers);
  for (const name of [...headers.keys()]) {
    if (HOP_BY_HOP.has(name) || isIdentityHeader(name) || name === "x-request-id" || name === "host" || (name === "authorization" && !input.forwardAuthorization)) headers.delete(name);
  }
  const { identity } = input;
  headers.set(IDENTITY_HEADERS.userId, identity.userId);
  headers.set(IDENTITY_HEADERS.tenantId, identity.tenantId);
  headers.set(IDENTITY_HEADERS.sessionId, identity.sessionId);
  headers.set(IDENTITY_HEADERS.roles, identity.roles.join(","));
  headers.set(IDENTITY_HEADERS.requestId, identity.requestId);
  const timestamp = Math.floor(input.now / 1000);
  headers.set(IDENTITY_HEADERS.signature, await signer.sign({ timestamp, method: input.request.method, target: requestTarget(upstreamUrl), identity }));

  const hasBody = input.request.method !== "GET" && input.request.method !== "HEAD";
  const upstream = new Request(upstreamUrl, { method: input.request.method, headers, body: hasBody ? input.request.body : null, redirect: "manual" });
  const response = await (target.binding ? target.binding.fetch(upstream) : fetch(upstream));
  // A fetched response's headers are immutable; the gate adds X-Request-Id on the way out.
  return new Response(response.body, response);
}
