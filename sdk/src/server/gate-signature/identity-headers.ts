/** The headers that name the caller; the gate sets them on a signed-in request only. */
export const IDENTITY_HEADERS = {
  userId: "X-User-Id",
  tenantId: "X-Tenant-Id",
  sessionId: "X-Session-Id",
  roles: "X-User-Roles",
} as const;

/**
 * The headers that name a calling client (a `client_credentials` token): the client, its
 * tenant (the same `X-Tenant-Id` a user's request carries) and the roles it was registered
 * with. A client's request never carries `X-User-Id`, `X-Session-Id` or `X-User-Roles`, so an
 * origin that reads only the user headers never takes a client for a user.
 */
export const CLIENT_HEADERS = {
  clientId: "X-Portcullis-Client-Id",
  tenantId: "X-Tenant-Id",
  roles: "X-Portcullis-Client-Roles",
} as const;

/**
 * How and when the caller signed in, from the token's `amr` (RFC 8176 values, comma-separated,
 * such as `pwd,otp,mfa`) and `auth_time` (unix seconds). Set on a signed-in request whose
 * token carries the claim; tokens minted before these claims existed carry neither.
 */
export const SIGN_IN_HEADERS = {
  amr: "X-Portcullis-Amr",
  authTime: "X-Portcullis-Auth-Time",
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

/**
 * Headers frameworks and proxies read as the request's method, client address or
 * URL. The gate decided on the request it received, so a client's values must not
 * change what the origin runs: Rails, Symfony and Laravel run a POST carrying
 * `X-HTTP-Method-Override: DELETE` as a DELETE.
 */
export const OVERRIDE_HEADERS = [
  "X-HTTP-Method-Override",
  "X-HTTP-Method",
  "X-Method-Override",
  "X-Client-IP",
  "Client-IP",
  "X-Cluster-Client-IP",
  "Fastly-Client-IP",
  "X-Original-URL",
  "X-Rewrite-URL",
] as const;

/** Header name prefixes that only the gate may set: `X-User-*`, `X-Portcullis-*` and `X-Forwarded-*` (host, proto, port, prefix…). */
export const RESERVED_HEADER_PREFIXES = ["x-user-", "x-portcullis-", "x-forwarded-"] as const;

const GATE_OWNED = new Set(
  [...Object.values(IDENTITY_HEADERS), ...Object.values(CLIENT_HEADERS), ...Object.values(SIGN_IN_HEADERS), REQUEST_ID_HEADER, ...Object.values(CLIENT_ADDRESS_HEADERS), ...Object.values(SIGNATURE_HEADERS), ...OVERRIDE_HEADERS].map((name) =>
    name.toLowerCase(),
  ),
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
  /** How the user signed in (RFC 8176 `amr`); empty when the gate did not say (a token from before `amr`, or an older gate). */
  readonly amr: readonly string[];
  /** When the user signed in (unix seconds), or null when the gate did not say. */
  readonly authTime: number | null;
}

/** A client calling for itself (`client_credentials`), as the gate vouches for it: no user, no session, no sign-in. */
export interface ClientIdentity {
  readonly kind: "client";
  readonly clientId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
}

/** Who the gate says is calling: a user, a client, or nobody (a route the policy marks public). */
export type GateIdentity = UserIdentity | ClientIdentity | { readonly kind: "anonymous" };
