/**
 * The comparison worker: the usual edge JWT check, as published guides write it
 * (jose `createRemoteJWKSet` + `jwtVerify`, ES256, issuer and audience checked),
 * forwarding to the same origin as the gate. With `UPSTASH_REDIS_REST_URL` set
 * it also asks Upstash, in one pipelined round trip per request, what the gate's
 * strict mode asks: whether the session is revoked, and whether the user's tokens
 * issued before some time are (both forms of the user mark). The client keeps
 * its defaults, as guides use it.
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
        if (await revoked(redis, String(payload.sub), String(payload.sid), Number(payload.iat))) return new Response("Token revoked", { status: 401 });
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

async function revoked(client: Redis, userId: string, sessionId: string, issuedAt: number): Promise<boolean> {
  const [[legacyMark, session], mark] = await client
    .pipeline()
    .mget<(string | number | null)[]>(`rv:u:${userId}`, `rv:s:${sessionId}`)
    .zscore(`rv:um:${userId}`, "before")
    .exec<[(string | number | null)[], number | null]>();
  if (session !== null && session !== undefined) return true;
  return [legacyMark, mark].some((value) => value !== null && value !== undefined && issuedAt < Number(value));
}
