import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../shared/config/env-reader";
import { federationEndpoints } from "../../../shared/config/federation-settings";

describe("federationEndpoints", () => {
  it("uses the providers' real addresses and refuses plain http when nothing is set", () => {
    expect(federationEndpoints({}, false)).toEqual({
      allowLoopbackHttp: false,
      googleIssuer: "https://accounts.google.com",
      microsoftBase: "https://login.microsoftonline.com",
      githubBase: "https://github.com",
      githubApi: "https://api.github.com",
      appleIssuer: "https://appleid.apple.com",
    });
  });

  it("refuses a LOCAL_* provider address outside the local stack: production cannot be pointed at a stand-in", () => {
    expect(() => federationEndpoints({ LOCAL_APPLE_ISSUER: "https://evil.example" }, false)).toThrow(ConfigError);
    expect(() => federationEndpoints({ LOCAL_GITHUB_API_URL: "http://127.0.0.1:9000" }, false)).toThrow(/LOCAL_STACK=true/);
  });

  it("moves a provider onto a loopback stand-in in the local stack, and allows http there", () => {
    const endpoints = federationEndpoints({ LOCAL_GOOGLE_ISSUER: "http://127.0.0.1:8794/google/" }, true);
    expect(endpoints.googleIssuer).toBe("http://127.0.0.1:8794/google");
    expect(endpoints.allowLoopbackHttp).toBe(true);
  });
});
