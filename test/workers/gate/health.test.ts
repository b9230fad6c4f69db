import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { JWKS_KV_KEY } from "../../../shared/adapters/kv/jwks-publisher";
import { createGateApp } from "../../../workers/gate/app";
import { gateDeps } from "../../../workers/gate/deps";
import { isolatedGate } from "./support/gate-stack";

const unreachable = "http://127.0.0.1:9";

describe("GET /__gate/health", () => {
  it("is healthy with the JWKS reachable and the revocation store up", async () => {
    const response = await exports.default.fetch("http://gate.test/__gate/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "healthy", checks: { jwks: "up", revocation: "up" } });
  });

  it("falls back to the issuer over the service binding when KV has no JWKS", async () => {
    await env.JWKS_KV.delete(JWKS_KV_KEY);
    // A gate of its own: nothing in isolate memory can answer for the issuer.
    const gate = isolatedGate();
    expect(gate.deps.jwks.size).toBe(0);
    const response = await gate.request("/__gate/health");
    expect(response.status).toBe(200);
    expect(((await response.json<{ checks: { jwks: string } }>())).checks.jwks).toBe("up");
    expect(gate.deps.jwks.counters).toEqual({ kvReads: 1, issuerFetches: 1 });
    expect(gate.deps.jwks.size).toBeGreaterThan(0);
  });

  it("is degraded (207) when the revocation store is unreachable", async () => {
    const app = createGateApp(gateDeps);
    const response = await app.request("/__gate/health", {}, { ...env, UPSTASH_REDIS_REST_URL: unreachable });
    expect(response.status).toBe(207);
    expect(await response.json()).toEqual({ status: "degraded", checks: { jwks: "up", revocation: "down" } });
  });

  it("is unhealthy (503) when neither KV nor the issuer can supply keys", async () => {
    await env.JWKS_KV.delete(JWKS_KV_KEY);
    // A binding whose every call goes to a closed port: the issuer is really unreachable.
    const issuerDown = { fetch: () => fetch(`${unreachable}/.well-known/jwks.json`) };
    const app = createGateApp(gateDeps);
    const response = await app.request("/__gate/health", {}, { ...env, ISSUER: issuerDown });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unhealthy", checks: { jwks: "down", revocation: "up" } });
  });
});
