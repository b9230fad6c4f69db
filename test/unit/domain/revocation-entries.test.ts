import { describe, expect, it } from "vitest";
import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from "../../../shared/domain/access-token-claims";
import { decodeLogMember, encodeLogMember, issuedAtFor, REVOCATION_LIFETIME_MS, revokedBeforeSeconds } from "../../../shared/domain/revocation-entries";

describe("user revocation marks", () => {
  it("revoke tokens issued earlier in the same second", () => {
    const tokenIssuedAt = issuedAtFor(new Date("2026-01-01T00:00:00.100Z"), null);
    const mark = revokedBeforeSeconds(new Date("2026-01-01T00:00:00.900Z"));
    expect(tokenIssuedAt < mark).toBe(true);
  });

  it("never revoke a token minted after the mark, even in the same second", () => {
    const revokedAt = new Date("2026-01-01T00:00:00.400Z");
    const iat = issuedAtFor(new Date("2026-01-01T00:00:00.500Z"), revokedAt);
    expect(iat < revokedBeforeSeconds(revokedAt)).toBe(false);
  });

  it("leave iat alone for users never revoked, or revoked long ago", () => {
    const now = new Date("2026-01-01T12:00:00.700Z");
    expect(issuedAtFor(now, null)).toBe(Math.floor(now.getTime() / 1000));
    expect(issuedAtFor(now, new Date("2025-12-31T00:00:00Z"))).toBe(Math.floor(now.getTime() / 1000));
  });
});

describe("how long a revocation is kept", () => {
  it("outlives the last instant a gate accepts a token of the longest lifetime a tenant can configure", () => {
    // The worst case: a token whose iat was raised to a user mark in the same second, revoked just after.
    const userMark = new Date("2026-01-01T00:00:00.400Z");
    const iat = issuedAtFor(new Date("2026-01-01T00:00:00.500Z"), userMark);
    const exp = iat + MAX_ACCESS_TOKEN_TTL_SECONDS;
    const revokedAt = new Date("2026-01-01T00:00:00.600Z");
    const entryExpiresAtSeconds = Math.ceil((revokedAt.getTime() + REVOCATION_LIFETIME_MS) / 1000);
    // A gate accepts the token while exp > now - skew; the entry counts while it expires after now.
    const lastAcceptedSecond = exp + CLOCK_SKEW_SECONDS - 1;
    expect(entryExpiresAtSeconds).toBeGreaterThan(lastAcceptedSecond);
  });
});

describe("revocation log members", () => {
  it("round-trip both kinds", () => {
    const session = { kind: "session", sessionId: "ses_abc", expiresAtSeconds: 1_800_000_000 } as const;
    const user = { kind: "user", userId: "usr_abc", revokedBeforeSeconds: 1_799_990_000, expiresAtSeconds: 1_800_000_000 } as const;
    expect(decodeLogMember(encodeLogMember(session))).toEqual(session);
    expect(decodeLogMember(encodeLogMember(user))).toEqual(user);
  });

  it.each(["", "x|y|1", "s||1", "s|ses_a|soon", "u|usr_a|1", "u|usr_a|1|2|3", "s|ses_a|1.5"])("refuse %j", (member) => {
    expect(decodeLogMember(member)).toBeNull();
  });
});
