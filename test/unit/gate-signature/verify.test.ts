import { describe, expect, it } from "vitest";
import { GateSigner, verifyGateRequest, type GateIdentity } from "../../../shared/gate-signature";

const SECRET = "a-gate-signing-secret-of-at-least-32-chars";
const identity: GateIdentity = { userId: "usr_a", tenantId: "tn_b", sessionId: "ses_c", roles: ["user", "admin"], requestId: "req_d" };
const NOW = 1_800_000_000;

async function signedHeaders(overrides: { method?: string; target?: string; timestamp?: number; secret?: string } = {}): Promise<Headers> {
  const signature = await new GateSigner(overrides.secret ?? SECRET).sign({
    timestamp: overrides.timestamp ?? NOW,
    method: overrides.method ?? "GET",
    target: overrides.target ?? "/orders?page=2",
    identity,
  });
  return new Headers({
    "X-User-Id": identity.userId,
    "X-Tenant-Id": identity.tenantId,
    "X-Session-Id": identity.sessionId,
    "X-User-Roles": identity.roles.join(","),
    "X-Request-Id": identity.requestId,
    "X-Portcullis-Signature": signature,
  });
}

const verify = (headers: Headers, extra: Partial<{ method: string; url: string; now: number; secret: string }> = {}) =>
  verifyGateRequest({ headers, method: extra.method ?? "GET", url: extra.url ?? "https://origin.example/orders?page=2", secret: extra.secret ?? SECRET, now: extra.now ?? NOW });

describe("verifyGateRequest (runs in Node with WebCrypto only)", () => {
  it("accepts what the gate signed and returns the identity", async () => {
    expect(await verify(await signedHeaders())).toEqual({ ok: true, identity, signedAt: NOW });
  });

  it("accepts a path-only URL", async () => {
    expect((await verify(await signedHeaders(), { url: "/orders?page=2" })).ok).toBe(true);
  });

  it("refuses a forged signature made with another secret", async () => {
    expect(await verify(await signedHeaders({ secret: "another-secret-another-secret-another" }))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["X-User-Id", "usr_someone_else"],
    ["X-Tenant-Id", "tn_other"],
    ["X-Session-Id", "ses_other"],
    ["X-User-Roles", "user,admin,root"],
    ["X-Request-Id", "req_other"],
  ])("refuses an altered %s", async (name, value) => {
    const headers = await signedHeaders();
    headers.set(name, value);
    expect(await verify(headers)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses the headers replayed on another method or URL", async () => {
    const headers = await signedHeaders();
    expect(await verify(headers, { method: "DELETE" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(headers, { url: "/orders?page=3" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a stale or future signature beyond the window", async () => {
    const headers = await signedHeaders();
    expect(await verify(headers, { now: NOW + 61 })).toEqual({ ok: false, reason: "stale" });
    expect(await verify(headers, { now: NOW - 61 })).toEqual({ ok: false, reason: "stale" });
    expect((await verify(headers, { now: NOW + 60 })).ok).toBe(true);
  });

  it("refuses a missing or malformed signature header", async () => {
    const headers = await signedHeaders();
    headers.delete("X-Portcullis-Signature");
    expect(await verify(headers)).toEqual({ ok: false, reason: "missing" });
    for (const value of ["v1=abc", "t=1,v1=zz", `t=${NOW},v2=${"0".repeat(64)}`, `t=${NOW},v1=${"0".repeat(63)}`]) {
      headers.set("X-Portcullis-Signature", value);
      expect(await verify(headers)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});
