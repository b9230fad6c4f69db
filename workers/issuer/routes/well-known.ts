import type { Hono } from "hono";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import type { IssuerBindings } from "../app";

/** Short enough that a rotation reaches caches well before the next key signs anything. */
export const JWKS_CACHE_SECONDS = 300;

export function wellKnownRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/.well-known/jwks.json", {
    GET: async (c) => {
      const jwks = await c.get("deps").signingKeys.jwks();
      return c.json(jwks, 200, { "Cache-Control": `public, max-age=${JWKS_CACHE_SECONDS}` });
    },
  });

  // Only what exists: no revocation_endpoint (logout is not an RFC 7009 endpoint), no id_token
  // fields (no id_token is issued) and no token endpoint auth methods (there is no token endpoint).
  // The access tokens' algorithm is on each key in the JWKS.
  resource(app, "/.well-known/openid-configuration", {
    GET: (c) => {
      const issuer = c.get("deps").config.issuerUrl;
      return c.json(
        {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          introspection_endpoint: `${issuer}/api/auth/introspect`,
          introspection_endpoint_auth_methods_supported: ["client_secret_bearer"],
          claims_supported: ["iss", "aud", "sub", "tid", "sid", "roles", "jti", "iat", "exp"],
        },
        200,
        { "Cache-Control": `public, max-age=${JWKS_CACHE_SECONDS}` },
      );
    },
  });
}
