import { clientNetwork } from "../../../shared/domain/client-network";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import { readCapped } from "../../../shared/http/json-body";
import { CLIENT_ADDRESS_HEADERS, CLIENT_HEADERS, IDENTITY_HEADERS, isGateOwnedHeader, normalizedHeaderName, REQUEST_ID_HEADER, SIGN_IN_HEADERS } from "../../../sdk/src/server/gate-signature/identity-headers";
import type { GateSigner } from "../../../sdk/src/server/gate-signature/sign";
import type { IdentityHeaderValues } from "../validation/identity-header-values";

/** Headers that describe one connection, not the request; never forwarded. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/** Where the platform reports the client's address; a client cannot set it at Cloudflare's edge. */
const PLATFORM_ADDRESS_HEADER = "cf-connecting-ip";

/**
 * The largest body the gate forwards. The signature covers the body's digest,
 * which goes in a header, so the whole body is read before anything is sent;
 * the cap bounds what one request can hold in an isolate's 128 MB. Larger
 * uploads belong in object storage (a presigned URL handed out by a gated route).
 */
export const MAX_FORWARDED_BODY_BYTES = 10 * 1024 * 1024;

export interface ForwardTarget {
  /** The origin's base URL (`ORIGIN_URL`) as a URL parser spells it, no trailing slash: used even when a service binding carries the request. */
  readonly originUrl: string;
  /** Its `host[:port]`, lower-case: the signature's `@authority`. */
  readonly authority: string;
  /** Its path, empty for none: what the forwarded path is appended to. */
  readonly basePath: string;
  /** A service binding to the origin, when configured; otherwise the public `fetch`. */
  readonly binding: Fetcher | undefined;
}

/** Parsed once per isolate, so a request builds its upstream URL and signature from strings. */
export function forwardTarget(originUrl: string, binding: Fetcher | undefined): ForwardTarget {
  const parsed = new URL(originUrl);
  const basePath = parsed.pathname.replace(/\/+$/, "");
  return { originUrl: `${parsed.origin}${basePath}`, authority: parsed.host.toLowerCase(), basePath, binding };
}

const NO_BODY = new Uint8Array(0);

/** Who is calling (as the header values of their verified token: a user's or a client's), and the request id the origin sees with it. */
export type ForwardedIdentity = ({ readonly kind: "token"; readonly headers: IdentityHeaderValues } | { readonly kind: "anonymous" }) & { readonly requestId: string };

export interface ForwardInput {
  readonly request: Request;
  /** The body as read by readForwardedBody, before anything is sent to the origin. */
  readonly body: Uint8Array;
  /** The request's query as `URL.search` gives it (empty or `?…`), forwarded as it came. */
  readonly search: string;
  /** The canonical path the policy decided on (see canonical-path.ts); forwarded in place of the URL's own. */
  readonly path: string;
  readonly identity: ForwardedIdentity;
  readonly forwardAuthorization: boolean;
  readonly now: number;
}

/**
 * The client's body, whole (the signature covers its digest); empty for `GET`
 * and `HEAD`. A body over MAX_FORWARDED_BODY_BYTES is a failure, declared or
 * streamed. Throws when the client's upload breaks off: the caller tells that
 * apart from the origin failing, so it is read before anything is sent.
 */
export async function readForwardedBody(request: Request): Promise<Result<Uint8Array, Failure>> {
  if (!hasBody(request.method)) return ok(NO_BODY);
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  const body = declared > MAX_FORWARDED_BODY_BYTES ? null : await readCapped(request.body, MAX_FORWARDED_BODY_BYTES);
  return body === null ? err({ reason: "payload_too_large", limitBytes: MAX_FORWARDED_BODY_BYTES }) : ok(body);
}

/**
 * Sends the request on to the origin: the canonical path the policy decided
 * on, and method, query and body as they came, every header only the gate may
 * set removed (under any spelling a server could read as it), the gate's
 * identity, request id and client address headers added, and the whole signed
 * (RFC 9421).
 */
export async function forwardToOrigin(target: ForwardTarget, signer: GateSigner, input: ForwardInput): Promise<Response> {
  const { request, identity, body, search } = input;

  // A native copy, then the few headers that must not pass removed: cheaper than re-adding each one.
  // Header names come back lower-cased from a Headers object.
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name === "authorization" ? !input.forwardAuthorization : neverForwarded(name)) headers.delete(name);
  }
  const caller = identity.kind === "token" ? identity.headers : null;
  const user = caller?.kind === "user" ? caller : null;
  if (caller?.kind === "client") {
    headers.set(CLIENT_HEADERS.clientId, caller.clientId);
    headers.set(CLIENT_HEADERS.tenantId, caller.tenantId);
    headers.set(CLIENT_HEADERS.roles, caller.roles);
  }
  if (user !== null) {
    headers.set(IDENTITY_HEADERS.userId, user.userId);
    headers.set(IDENTITY_HEADERS.tenantId, user.tenantId);
    headers.set(IDENTITY_HEADERS.sessionId, user.sessionId);
    headers.set(IDENTITY_HEADERS.roles, user.roles);
    if (user.amr !== null) headers.set(SIGN_IN_HEADERS.amr, user.amr);
    if (user.authTime !== null) headers.set(SIGN_IN_HEADERS.authTime, user.authTime);
  }
  headers.set(REQUEST_ID_HEADER, identity.requestId);
  // The same reading of the platform's address as the issuer's limits use.
  const { address } = clientNetwork(request.headers.get(PLATFORM_ADDRESS_HEADER));
  if (address !== null) setClientAddress(headers, address);

  const signed = {
    method: request.method,
    url: { host: target.authority, pathname: `${target.basePath}${input.path}`, search },
    headers,
    body,
    caller: caller?.kind ?? null,
    amrSet: user !== null && user.amr !== null,
    authTimeSet: user !== null && user.authTime !== null,
    clientAddressSet: address !== null,
  };
  await signer.sign({ ...signed, created: Math.floor(input.now / 1000) });

  const upstream = new Request(`${target.originUrl}${input.path}${search}`, { method: request.method, headers, body: hasBody(request.method) ? body : null, redirect: "manual" });
  const response = await (target.binding ? target.binding.fetch(upstream) : fetch(upstream));
  // A fetched response's headers are immutable; the gate adds X-Request-Id on the way out.
  return new Response(response.body, response);
}

/** Names seen before, with the answer: the same few header names arrive on every request. */
const forwardDecisions = new Map<string, boolean>();
const REMEMBERED_NAMES = 512;

/** Headers no client may pass on, `authorization` aside (a route decides that one). */
function neverForwarded(name: string): boolean {
  let dropped = forwardDecisions.get(name);
  if (dropped === undefined) {
    dropped =
      HOP_BY_HOP.has(name) ||
      isGateOwnedHeader(name) ||
      name === "host" ||
      name === "content-length" ||
      (name !== PLATFORM_ADDRESS_HEADER && normalizedHeaderName(name) === PLATFORM_ADDRESS_HEADER);
    if (forwardDecisions.size < REMEMBERED_NAMES) forwardDecisions.set(name, dropped);
  }
  return dropped;
}

function hasBody(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}

/** The client's own values are gone by now; each header now carries only what the platform reported. */
function setClientAddress(headers: Headers, address: string): void {
  headers.set(CLIENT_ADDRESS_HEADERS.forwardedFor, address);
  headers.set(CLIENT_ADDRESS_HEADERS.realIp, address);
  headers.set(CLIENT_ADDRESS_HEADERS.trueClientIp, address);
  // RFC 7239 §6: an IPv6 address is bracketed and the value quoted.
  headers.set(CLIENT_ADDRESS_HEADERS.forwarded, address.includes(":") ? `for="[${address}]"` : `for=${address}`);
}
