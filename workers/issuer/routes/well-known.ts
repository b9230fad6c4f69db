import type { Hono } from "hono";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import type { IssuerBindings } from "../app";
import { providerMetadata } from "../services/oauth/provider-metadata";

/** Short enough that a rotation reaches caches well before the next key signs anything. */
export const JWKS_CACHE_SECONDS = 300;

export function wellKnownRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/.well-known/jwks.json", {
    GET: async (c) => {
      const jwks = await c.get("deps").signingKeys.jwks();
      return c.json(jwks, 200, { "Cache-Control": `public, max-age=${JWKS_CACHE_SECONDS}` });
    },
  });

  resource(app, "/.well-known/openid-configuration", {
    GET: (c) => {
      return c.json(
        providerMetadata(c.get("deps").config.issuerUrl),
        200,
        { "Cache-Control": `public, max-age=${JWKS_CACHE_SECONDS}` },
      );
    },
  });
}
