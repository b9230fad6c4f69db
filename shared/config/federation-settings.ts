import { ConfigError, credentialUrl, optionalString, type RawEnv } from "./env-reader";
import type { FederationEndpoints } from "./federation-endpoints";

/** The providers' real addresses; only the local stack moves them onto its stand-ins. */
const DEFAULTS = {
  LOCAL_GOOGLE_ISSUER: "https://accounts.google.com",
  LOCAL_MICROSOFT_BASE: "https://login.microsoftonline.com",
  LOCAL_GITHUB_BASE_URL: "https://github.com",
  LOCAL_GITHUB_API_URL: "https://api.github.com",
  LOCAL_APPLE_ISSUER: "https://appleid.apple.com",
} as const;

/**
 * The social providers' endpoints. The `LOCAL_*` variables exist for the local stack only:
 * set without `LOCAL_STACK=true` they stop the worker, so production can never be pointed at
 * a stand-in by a stray variable.
 */
export function federationEndpoints(env: RawEnv, localStack: boolean): FederationEndpoints {
  const setting = (name: keyof typeof DEFAULTS): string => {
    const value = optionalString(env, name);
    if (value === undefined) return DEFAULTS[name];
    if (!localStack) throw new ConfigError(`${name} is for the local stack only (it needs LOCAL_STACK=true)`);
    return credentialUrl(name, value, localStack);
  };
  return {
    allowLoopbackHttp: localStack,
    googleIssuer: setting("LOCAL_GOOGLE_ISSUER"),
    microsoftBase: setting("LOCAL_MICROSOFT_BASE"),
    githubBase: setting("LOCAL_GITHUB_BASE_URL"),
    githubApi: setting("LOCAL_GITHUB_API_URL"),
    appleIssuer: setting("LOCAL_APPLE_ISSUER"),
  };
}
