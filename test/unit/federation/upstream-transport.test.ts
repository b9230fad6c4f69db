import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../dev/support/free-port";
import { callUpstream, UPSTREAM_BODY_LIMIT_BYTES } from "../../../workers/issuer/services/federation/upstream-fetch";
import { checkIssuer } from "../../../workers/issuer/services/federation/upstream";
import { federationDeps, freshBase, json, route, seen, startStandIn, stopStandIn, type TestClock } from "./provider-stand-in";

const clock: TestClock = { now: new Date("2026-06-01T10:00:00Z") };
const loopback = { fetch: globalThis.fetch, allowLoopbackHttp: true };
const unavailable = { ok: false, error: { kind: "provider_unavailable", detail: expect.any(String) } };

beforeAll(startStandIn);
afterAll(stopStandIn);

describe("calls to a provider", () => {
  it("provider down (connection refused) is provider_unavailable", async () => {
    const port = await freePort();
    expect(await checkIssuer(federationDeps(clock), `http://127.0.0.1:${port}/issuer`)).toEqual(unavailable);
  });

  it("provider answering 500 for discovery is provider_unavailable", async () => {
    const { base, path } = freshBase();
    route(`${path}/.well-known/openid-configuration`, () => ({ status: 500, body: "Internal Server Error" }));
    expect(await checkIssuer(federationDeps(clock), base)).toEqual(unavailable);
  });

  it("provider that never answers times out after 5 seconds as provider_unavailable", async () => {
    const { base, path } = freshBase();
    route(`${path}/.well-known/openid-configuration`, () => "stall");
    const started = Date.now();
    expect(await checkIssuer(federationDeps(clock), base)).toEqual({ ok: false, error: { kind: "provider_unavailable", detail: "the provider did not answer within 5 seconds" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  }, 15_000);

  it("an oversized body is refused without being read whole", async () => {
    const { base, path } = freshBase();
    route(`${path}/big`, () => ({ status: 200, body: "x".repeat(UPSTREAM_BODY_LIMIT_BYTES + 1) }));
    expect(await callUpstream(loopback, `${base}/big`)).toEqual({ ok: false, error: { kind: "provider_unavailable", detail: "the provider's answer is larger than allowed" } });
  });

  it("an oversized body sent in chunks without a declared length is cut off at the limit", async () => {
    const { base, path } = freshBase();
    route(`${path}/chunked`, () => ({ status: 200, body: "x".repeat(UPSTREAM_BODY_LIMIT_BYTES * 2), headers: { "transfer-encoding": "chunked" } }));
    const response = await fetch(`${base}/chunked`);
    expect(response.headers.get("content-length")).toBe(null);
    await response.body?.cancel();
    expect(await callUpstream(loopback, `${base}/chunked`)).toEqual({ ok: false, error: { kind: "provider_unavailable", detail: "the provider's answer is larger than allowed" } });
  });

  it("a body at the limit is read", async () => {
    const { base, path } = freshBase();
    route(`${path}/limit`, () => ({ status: 200, body: "x".repeat(UPSTREAM_BODY_LIMIT_BYTES) }));
    const answer = await callUpstream(loopback, `${base}/limit`);
    expect(answer.ok && answer.value.body.length).toBe(UPSTREAM_BODY_LIMIT_BYTES);
  });

  it("a redirect is not followed (the target is never called)", async () => {
    const { base, path } = freshBase();
    route(`${path}/.well-known/openid-configuration`, () => ({ status: 302, body: "", headers: { location: `${base}/elsewhere` } }));
    route(`${path}/elsewhere`, () => json({}));
    expect(await checkIssuer(federationDeps(clock), base)).toEqual(unavailable);
    expect(seen.some((request) => request.path === `${path}/elsewhere`)).toBe(false);
  });

  it("an http issuer is refused unless loopback http is allowed, and never for a non-loopback host", async () => {
    const { base, path } = freshBase();
    route(`${path}/ok`, () => json({}));
    expect(await callUpstream({ ...loopback, allowLoopbackHttp: false }, `${base}/ok`)).toEqual(unavailable);
    expect(await callUpstream(loopback, "http://provider.example/ok")).toEqual(unavailable);
    expect(await callUpstream(loopback, "https://user:pass@provider.example/ok")).toEqual(unavailable);
    expect((await callUpstream(loopback, `${base}/ok`)).ok).toBe(true);
    expect(seen.filter((request) => request.path === `${path}/ok`)).toHaveLength(1);
  });

  it("a discovery document that is not JSON is provider_unavailable, never a throw", async () => {
    const { base, path } = freshBase();
    route(`${path}/.well-known/openid-configuration`, () => ({ status: 200, body: "<html>" }));
    expect(await checkIssuer(federationDeps(clock), base)).toEqual(unavailable);
  });
});
