import { describe, expect, it } from "vitest";
import { authenticationShortfall, withSecondFactor } from "../../../shared/domain/authentication-methods";
import { failureResponse } from "../../../shared/errors/failure-response";
import { requireRecentStrongSignIn } from "../../../workers/issuer/services/recent-sign-in";

const NOW = 1_800_000_000;

describe("withSecondFactor", () => {
  it("joins both factors' methods and adds mfa, once each, in a stable order", () => {
    expect(withSecondFactor(["pwd"], ["otp"])).toEqual(["otp", "pwd", "mfa"]);
    expect(withSecondFactor(["otp"], ["otp"])).toEqual(["otp", "mfa"]);
    expect(withSecondFactor(["sms"], ["hwk", "user", "mfa"])).toEqual(["sms", "hwk", "user", "mfa"]);
  });
});

describe("authenticationShortfall", () => {
  it("passes a token with mfa signed in within max_age", () => {
    expect(authenticationShortfall({ amr: ["pwd", "otp", "mfa"], auth_time: NOW - 299 }, { mfa: true, maxAge: 300 }, NOW)).toBeNull();
  });

  it("finds a single-factor token short of mfa, whatever its age", () => {
    expect(authenticationShortfall({ amr: ["pwd"], auth_time: NOW }, { mfa: true, maxAge: 300 }, NOW)).toBe("mfa");
  });

  it("finds a two-factor sign-in older than max_age short of max_age", () => {
    expect(authenticationShortfall({ amr: ["mfa"], auth_time: NOW - 301 }, { mfa: true, maxAge: 300 }, NOW)).toBe("max_age");
  });

  it("lets a token minted before auth_time and amr existed meet no requirement on them", () => {
    expect(authenticationShortfall({}, { mfa: true }, NOW)).toBe("mfa");
    expect(authenticationShortfall({}, { maxAge: 3600 }, NOW)).toBe("max_age");
    expect(authenticationShortfall({}, {}, NOW)).toBeNull();
  });
});

describe("requireRecentStrongSignIn", () => {
  it("refuses a fresh single-factor sign-in with the RFC 9470 challenge and max_age=300", () => {
    const result = requireRecentStrongSignIn({ amr: ["pwd"], auth_time: NOW }, new Date(NOW * 1000));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const wire = failureResponse(result.error);
    expect(wire.status).toBe(401);
    expect(wire.code).toBe("insufficient_user_authentication");
    expect(wire.headers["WWW-Authenticate"]).toMatch(/^Bearer error="insufficient_user_authentication", error_description="[^"]+", max_age=300$/);
  });

  it("refuses a two-factor sign-in from six minutes ago", () => {
    expect(requireRecentStrongSignIn({ amr: ["pwd", "otp", "mfa"], auth_time: NOW - 360 }, new Date(NOW * 1000)).ok).toBe(false);
  });

  it("accepts a two-factor sign-in from a minute ago", () => {
    expect(requireRecentStrongSignIn({ amr: ["sms", "otp", "mfa"], auth_time: NOW - 60 }, new Date(NOW * 1000)).ok).toBe(true);
  });
});
