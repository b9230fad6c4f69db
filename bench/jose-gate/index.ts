/**
 * The comparison worker: the usual edge JWT check, as published guides write it
 * (jose `createRemoteJWKSet` + `jwtVerify`, ES256, issuer and audience checked),
 * forwarding to the same origin as the gate. With `UPSTASH_REDIS_REST_URL` set
 * it also asks Upstash, with one GET per request, whether the session is revoked.
 */
import { Redis } from "@upstash/redis/cloudflare";
import { createRemoteJWKSet, jwtVerify } from "jose";

interface JoseGateEnv {
  readonly ISSUER_URL: string;
  readonly AUDIENCE: string;
  readonly ORIGIN_URL: string;
  readonly UPSTASH_REDIS_REST_URL?: string;
  readonly UPSTASH_REDIS_REST_TOKEN?: string;
}

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
let redis: Redis | undefined;

export default {
  async fetch(request: Request, env: JoseGateEnv): Promise<Response> {
    jwks ??= createRemoteJWKSet(new URL(`${env.ISSUER_URL}/.well-known/jwks.json`), { cacheMaxAge: 600_000, cooldownDuration: 30_000 });
    const authorization = request.headers.get("Authorization");
    if (!authorization?.startsWith("Bearer ")) return new Response("Unauthorized", { status: 401 });
    try {
      const { payload } = await jwtVerify(authorization.slice(7), jwks, { issuer: env.ISSUER_URL, audience: env.AUDIENCE, algorithms: ["ES256"] });
      if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
        redis ??= new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
        if ((await redis.get(`rv:s:${String(payload.sid)}`)) !== null) return new Response("Token revoked", { status: 401 });
      }
      const headers = new Headers(request.headers);
      headers.set("X-User-Id", String(payload.sub));
      headers.set("X-User-Roles", JSON.stringify(payload.roles));
      headers.delete("Authorization");
      const url = new URL(request.url);
      return await fetch(`${env.ORIGIN_URL}${url.pathname}${url.search}`, { headers });
    } catch {
      return new Response("Invalid token", { status: 401 });
    }
  },
};
