import { describe, expect, it } from "vitest";
import { decodeLogMember, encodeLogMember, issuedAtFor, revokedBeforeSeconds } from "../../../shared/domain/revocation-entries";

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
