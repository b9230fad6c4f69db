/** The headers the gate adds to every forwarded request; any a client sends is stripped first. */
export const IDENTITY_HEADERS = {
  userId: "X-User-Id",
  tenantId: "X-Tenant-Id",
  sessionId: "X-Session-Id",
  roles: "X-User-Roles",
  requestId: "X-Request-Id",
  signature: "X-Portcullis-Signature",
} as const;

/** Header name prefixes that only the gate may set: `X-User-*` and `X-Portcullis-*`. */
export const RESERVED_HEADER_PREFIXES = ["x-user-", "x-portcullis-"] as const;

/** True for a header a client must never be able to pass through the gate. */
export function isIdentityHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "x-tenant-id" || lower === "x-session-id" || RESERVED_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** Who the gate says is calling; empty strings on public routes. */
export interface GateIdentity {
  readonly userId: string;
  readonly tenantId: string;
  readonly sessionId: string;
  readonly roles: readonly string[];
  readonly requestId: string;
}
