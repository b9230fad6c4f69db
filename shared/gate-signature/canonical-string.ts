import type { GateIdentity } from "./identity-headers";

export const SIGNATURE_VERSION = "v1";

/**
 * What the signature covers: the version, the timestamp, the request's method
 * and target, and every identity value. Binding the method and target means a
 * captured header set cannot be replayed against another route.
 * Values cannot contain newlines (ids, role names and paths are checked or
 * encoded), so joining with "\n" is unambiguous.
 */
export function canonicalString(input: { timestamp: number; method: string; target: string; identity: GateIdentity }): string {
  const { identity } = input;
  return [
    SIGNATURE_VERSION,
    String(input.timestamp),
    input.method.toUpperCase(),
    input.target,
    identity.userId,
    identity.tenantId,
    identity.sessionId,
    identity.roles.join(","),
    identity.requestId,
  ].join("\n");
}

/** `/path?query` of a URL, exactly as the origin receives it. */
export function requestTarget(url: string | URL): string {
  const parsed = typeof url === "string" ? new URL(url) : url;
  return `${parsed.pathname}${parsed.search}`;
}
