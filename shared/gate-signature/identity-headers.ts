/** The headers that name the caller; the gate sets them on a signed-in request only. */
export const IDENTITY_HEADERS = {
  userId: "X-User-Id",
  tenantId: "X-Tenant-Id",
  sessionId: "X-Session-Id",
  roles: "X-User-Roles",
} as const;

/** Set on every forwarded request, signed in or not. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * The client's address as the platform reports it (`CF-Connecting-IP`). A
 * client's own values for these are replaced, never passed on.
 */
export const CLIENT_ADDRESS_HEADERS = {
  forwardedFor: "X-Forwarded-For",
  realIp: "X-Real-IP",
  trueClientIp: "True-Client-IP",
  forwarded: "Forwarded",
} as const;

/** RFC 9421 and RFC 9530 fields the gate writes; a client's are never mistaken for the gate's. */
export const SIGNATURE_HEADERS = {
  signature: "Signature",
  signatureInput: "Signature-Input",
  contentDigest: "Content-Digest",
} as const;

/** Header name prefixes that only the gate may set: `X-User-*` and `X-Portcullis-*`. */
export const RESERVED_HEADER_PREFIXES = ["x-user-", "x-portcullis-"] as const;

const GATE_OWNED = new Set(
  [...Object.values(IDENTITY_HEADERS), REQUEST_ID_HEADER, ...Object.values(CLIENT_ADDRESS_HEADERS), ...Object.values(SIGNATURE_HEADERS)].map((name) => name.toLowerCase()),
);

/**
 * `_` and `-` read as one: CGI-style servers (PHP, WSGI, Rack, nginx with
 * underscores allowed) map `X_User_Id` and `X-User-Id` onto the same
 * `HTTP_X_USER_ID`, so a look-alike is as good as the real name there.
 */
export function normalizedHeaderName(name: string): string {
  return name.toLowerCase().replaceAll("_", "-");
}

/** True for a header only the gate may set, under any spelling a server could confuse with it. */
export function isGateOwnedHeader(name: string): boolean {
  const normalized = normalizedHeaderName(name);
  return GATE_OWNED.has(normalized) || RESERVED_HEADER_PREFIXES.some((prefix) => normalized.startsWith(prefix));
}

/** A signed-in caller, as the gate vouches for it. */
export interface UserIdentity {
  readonly kind: "user";
  readonly userId: string;
  readonly tenantId: string;
  readonly sessionId: string;
  readonly roles: readonly string[];
}

/** Who the gate says is calling: a user, or nobody (a route the policy marks public). */
export type GateIdentity = UserIdentity | { readonly kind: "anonymous" };
