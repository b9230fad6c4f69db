import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/crypto/ids";
import { ACCESS_TOKEN_TYPE, CLOCK_SKEW_SECONDS, ROLE_PATTERN, accessTokenClaimsSchema } from "../../../shared/domain/access-token-claims";

const VALID = {
  iss: "https://auth.portcullis.test",
  aud: "https://api.portcullis.test",
  sub: newId("usr"),
  tid: newId("tn"),
  sid: newId("ses"),
  roles: ["user", "org:admin"],
  jti: newId("req"),
  iat: 1_800_000_000,
  exp: 1_800_000_900,
};

const accepts = (claims: Record<string, unknown>) => accessTokenClaimsSchema.safeParse(claims).success;

describe("access token constants", () => {
  it("use the RFC 9068 typ and a small clock skew (the contract caps it at 60 s)", () => {
    expect(ACCESS_TOKEN_TYPE).toBe("at+jwt");
    expect(CLOCK_SKEW_SECONDS).toBeGreaterThan(0);
    expect(CLOCK_SKEW_SECONDS).toBeLessThanOrEqual(60);
  });
});

describe("accessTokenClaimsSchema", () => {
  it("accepts the claims the issuer mints and returns them unchanged", () => {
    expect(accessTokenClaimsSchema.parse(VALID)).toEqual(VALID);
  });

  it("accepts a token without roles", () => {
    expect(accepts({ ...VALID, roles: [] })).toBe(true);
  });

  it.each(Object.keys(VALID))("refuses claims without %s", (name) => {
    expect(accepts(Object.fromEntries(Object.entries(VALID).filter(([key]) => key !== name)))).toBe(false);
  });

  it.each([
    ["a phone number (no personal data in tokens)", { phone: "+14155550123" }],
    ["nbf", { nbf: 1_800_000_000 }],
    ["scope", { scope: "admin" }],
  ])("refuses an extra claim: %s", (_, extra) => {
    expect(accepts({ ...VALID, ...extra })).toBe(false);
  });

  it.each([
    ["sub that is a session id", { sub: newId("ses") }],
    ["sub with upper case", { sub: VALID.sub.toUpperCase() }],
    ["sub one character short", { sub: VALID.sub.slice(0, -1) }],
    ["tid that is a user id", { tid: newId("usr") }],
    ["sid that is a tenant id", { sid: newId("tn") }],
    ["empty iss", { iss: "" }],
    ["empty aud", { aud: "" }],
    ["an array aud", { aud: [VALID.aud] }],
    ["empty jti", { jti: "" }],
    ["a 65-character jti", { jti: "j".repeat(65) }],
    ["negative iat", { iat: -1 }],
    ["fractional iat", { iat: 1_800_000_000.5 }],
    ["string iat", { iat: "1800000000" }],
    ["zero exp", { exp: 0 }],
    ["fractional exp", { exp: 1_800_000_900.5 }],
    ["roles as a string", { roles: "user" }],
    ["21 roles", { roles: Array.from({ length: 21 }, (_, index) => `r${index}`) }],
  ])("refuses %s", (_, change) => {
    expect(accepts({ ...VALID, ...change })).toBe(false);
  });

  it("accepts a 64-character jti and 20 roles", () => {
    expect(accepts({ ...VALID, jti: "j".repeat(64), roles: Array.from({ length: 20 }, (_, index) => `r${index}`) })).toBe(true);
  });
});

describe("ROLE_PATTERN", () => {
  it.each(["user", "admin", "org:admin", "billing.read", "team-1_lead", "0", "a".repeat(64)])("accepts %j", (role) => {
    expect(ROLE_PATTERN.test(role)).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["upper case", "Admin"],
    ["a comma, which would split the role header", "user,admin"],
    ["a space", "org admin"],
    ["a leading separator", ":admin"],
    ["a leading dash", "-admin"],
    ["a newline, which would break a header", "admin\nx"],
    ["a trailing newline", "admin\n"],
    ["a pipe", "a|b"],
    ["65 characters", "a".repeat(65)],
    ["a non-ASCII letter", "rôle"],
  ])("refuses %s", (_, role) => {
    expect(ROLE_PATTERN.test(role)).toBe(false);
  });
});

describe("accessTokenClaimsSchema: a client's token (client_credentials)", () => {
  const clientId = newId("cli");
  const common = Object.fromEntries(Object.entries(VALID).filter(([key]) => key !== "sid"));
  const CLIENT = { ...common, sub: clientId, client_id: clientId, roles: ["reports:read"] };

  it("accepts a client's token and returns it unchanged", () => {
    expect(accessTokenClaimsSchema.parse(CLIENT)).toEqual(CLIENT);
  });

  it.each([
    ["a user's token with a client_id (forged client identity)", { ...VALID, client_id: clientId }],
    ["a client's token with a sid", { ...CLIENT, sid: newId("ses") }],
    ["a client's token with amr", { ...CLIENT, amr: ["pwd"] }],
    ["a client's token with auth_time", { ...CLIENT, auth_time: 1_800_000_000 }],
    ["a client's token whose sub is another client (impersonation)", { ...CLIENT, sub: newId("cli") }],
    ["a client's token whose sub is a user", { ...CLIENT, sub: newId("usr") }],
    ["a client's token without client_id", { ...common, sub: clientId }],
    ["a client_id that is not a client id", { ...CLIENT, client_id: newId("usr") }],
  ])("refuses %s", (_label, claims) => {
    expect(accepts(claims)).toBe(false);
  });
});
