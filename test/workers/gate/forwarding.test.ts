import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyGateRequest } from "../../../shared/gate-signature/verify";
import { createTenant, isolatedGate, setRoles, signIn, type OriginEcho, type Session } from "./support/gate-stack";

let session: Session;
let tenantId: string;

beforeAll(async () => {
  const tenant = await createTenant();
  tenantId = tenant.tenant_id;
  session = await signIn(tenant);
});

function gateFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://gate.test${path}`, init));
}

async function echo(response: Response): Promise<OriginEcho> {
  expect(response.status, await response.clone().text()).toBe(200);
  return await response.json<OriginEcho>();
}

const SPOOFED = {
  "X-User-Id": "usr_spoofedspoofedspoofedspoofe",
  "X-Tenant-Id": "tn_spoofed",
  "X-Session-Id": "ses_spoofed",
  "X-User-Roles": "admin",
  "X-User-Email": "root@example.com",
  "X-Portcullis-Signature": "t=1,v1=00",
};

describe("policy", () => {
  it("forwards public routes without a token", async () => {
    const forwarded = await echo(await gateFetch("/public/hello?x=1"));
    expect(forwarded).toMatchObject({ method: "GET", path: "/public/hello", query: "x=1" });
    expect(forwarded.headers["x-user-id"]).toBe("");
  });

  it("answers a protected route without a token with 401 and a bare Bearer challenge", async () => {
    const response = await gateFetch("/api/things");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="portcullis"');
  });

  it("answers 403 insufficient_scope for a valid token without the route's role", async () => {
    const response = await gateFetch("/admin/panel", { headers: { Authorization: `Bearer ${session.token}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/error="insufficient_scope"/);
  });

  it("lets a token with the role through, and ignores case tricks in the path", async () => {
    const tenant = await createTenant();
    const admin = await signIn(tenant);
    await setRoles(admin.user_id, ["user", "admin"]);
    const promoted = await signIn(tenant, admin.phone);
    expect((await gateFetch("/admin/panel", { headers: { Authorization: `Bearer ${promoted.token}` } })).status).toBe(200);
    expect((await gateFetch("/ADMIN/panel", { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(403);
    expect((await gateFetch("//admin//panel", { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(403);
  });

  it("refuses encoded slashes and backslashes rather than guess what the origin makes of them", async () => {
    const response = await gateFetch("/public%2F..%2Fadmin/panel");
    expect(response.status).toBe(400);
  });

  it("applies a configured policy: first match wins, methods matter, unmatched needs a token", async () => {
    const gate = isolatedGate({
      GATE_POLICY: JSON.stringify([
        { method: "GET", path: "/docs/*", access: "public" },
        { path: "/docs/*", roles: ["editor"] },
        { path: "/reports/*/download", roles: ["finance"], sensitive: true },
      ]),
    });
    expect((await gate.request("/docs/intro")).status).toBe(200);
    expect((await gate.request("/docs/intro", { method: "POST" })).status).toBe(401);
    expect((await gate.request("/docs/intro", { method: "POST", headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(403);
    expect((await gate.request("/reports/2026/download", { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(403);
    expect((await gate.request("/elsewhere", { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(200);
  });
});

describe("forwarding", () => {
  it("adds identity headers and strips every spoofed one, on protected and public routes", async () => {
    const protectedEcho = await echo(await gateFetch("/api/things", { headers: { ...SPOOFED, Authorization: `Bearer ${session.token}` } }));
    expect(protectedEcho.headers["x-user-id"]).toBe(session.user_id);
    expect(protectedEcho.headers["x-tenant-id"]).toBe(tenantId);
    expect(protectedEcho.headers["x-session-id"]).toMatch(/^ses_/);
    expect(protectedEcho.headers["x-user-roles"]).toBe("user");
    expect(protectedEcho.headers["x-user-email"]).toBeUndefined();
    expect(protectedEcho.headers.authorization).toBeUndefined();

    const publicEcho = await echo(await gateFetch("/public/page", { headers: SPOOFED }));
    expect(publicEcho.headers["x-user-id"]).toBe("");
    expect(publicEcho.headers["x-user-roles"]).toBe("");
    expect(publicEcho.headers["x-user-email"]).toBeUndefined();
    expect(publicEcho.headers["x-portcullis-signature"]).not.toBe(SPOOFED["X-Portcullis-Signature"]);
  });

  it("preserves method, path, query and a streamed body", async () => {
    const body = new Uint8Array(256 * 1024).fill(7);
    const forwarded = await echo(
      await gateFetch("/api/upload/a%20b?x=1&y=%2F", { method: "PUT", body, headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/octet-stream" } }),
    );
    expect(forwarded).toMatchObject({ method: "PUT", path: "/api/upload/a%20b", query: "x=1&y=%2F", body_bytes: body.length });
    expect(forwarded.headers["content-type"]).toBe("application/octet-stream");
  });

  it("forwards Authorization only on routes that ask for it", async () => {
    const gate = isolatedGate({ GATE_POLICY: JSON.stringify([{ path: "/passthrough/*", forward_authorization: true }]) });
    const passed = await echo(await gate.request("/passthrough/x", { headers: { Authorization: `Bearer ${session.token}` } }));
    expect(passed.headers.authorization).toBe(`Bearer ${session.token}`);
  });

  it("passes the X-Request-Id through to the origin and back", async () => {
    const response = await gateFetch("/api/things", { headers: { Authorization: `Bearer ${session.token}`, "X-Request-Id": "trace-123" } });
    expect(response.headers.get("X-Request-Id")).toBe("trace-123");
    expect((await echo(response)).headers["x-request-id"]).toBe("trace-123");
  });

  it("signs what it forwards so the origin can verify it, and the signature binds the request", async () => {
    const forwarded = await echo(await gateFetch("/api/things?z=9", { headers: { Authorization: `Bearer ${session.token}` } }));
    const headers = new Headers(forwarded.headers);
    const verified = await verifyGateRequest({ headers, method: "GET", url: "/api/things?z=9", secret: env.GATE_SIGNING_SECRET });
    expect(verified).toMatchObject({ ok: true, identity: { userId: session.user_id, tenantId, roles: ["user"] } });
    expect(await verifyGateRequest({ headers, method: "POST", url: "/api/things?z=9", secret: env.GATE_SIGNING_SECRET })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyGateRequest({ headers, method: "GET", url: "/api/other", secret: env.GATE_SIGNING_SECRET })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("answers 502 when the origin cannot be reached", async () => {
    const gate = isolatedGate({ ORIGIN_URL: "http://127.0.0.1:9" });
    const response = await gate.request("/public/x");
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: "bad_gateway" } });
  });
});
