import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { verifyGateRequest, type VerifyInput } from "../../../sdk/src/server/gate-signature/verify";
import { MAX_FORWARDED_BODY_BYTES } from "../../../workers/gate/services/forward";
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
  Signature: "portcullis=:AAAA:",
  "Signature-Input": 'portcullis=("@method");created=1;expires=2;nonce="n";keyid="portcullis-gate";alg="hmac-sha256"',
  "Content-Digest": "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
};

/** What an origin behind this gate checks: the authority it is reached as is the host of ORIGIN_URL. */
function verifyAtOrigin(forwarded: OriginEcho, body: string | Uint8Array | null, extra: Partial<VerifyInput> = {}) {
  const query = forwarded.query === "" ? "" : `?${forwarded.query}`;
  return verifyGateRequest({
    headers: forwarded.headers,
    method: forwarded.method,
    url: `${forwarded.path}${query}`,
    body,
    secret: env.GATE_SIGNING_SECRET,
    authority: env.ORIGIN_URL,
    ...extra,
  });
}

describe("policy", () => {
  it("forwards public routes without a token", async () => {
    const forwarded = await echo(await gateFetch("/public/hello?x=1"));
    expect(forwarded).toMatchObject({ method: "GET", path: "/public/hello", query: "x=1" });
    expect(forwarded.headers["x-user-id"]).toBeUndefined();
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
    // The development policy also wants a second factor on /admin/* (see step-up.test.ts); this is about the role.
    const gate = isolatedGate({ GATE_POLICY: JSON.stringify([{ path: "/admin/*", roles: ["admin"] }]) });
    expect((await gate.request("/admin/panel", { headers: { Authorization: `Bearer ${promoted.token}` } })).status).toBe(200);
    expect((await gate.request("/ADMIN/panel", { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(403);
    expect((await gate.request("//admin//panel", { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(403);
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

    expect(protectedEcho.headers["x-portcullis-signature"]).toBeUndefined();
    expect(protectedEcho.headers.signature).not.toBe(SPOOFED.Signature);
    expect(protectedEcho.headers["signature-input"]).toMatch(/^portcullis=\("@method" "@authority" "@path" "@query" "content-digest" "x-request-id" "x-user-id"/);

    const publicEcho = await echo(await gateFetch("/public/page", { headers: SPOOFED }));
    for (const name of ["x-user-id", "x-tenant-id", "x-session-id", "x-user-roles", "x-user-email", "x-portcullis-signature"]) {
      expect(publicEcho.headers[name], name).toBeUndefined();
    }
    expect(publicEcho.headers.signature).not.toBe(SPOOFED.Signature);
    expect(publicEcho.headers["content-digest"]).toBe("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    expect((await verifyAtOrigin(publicEcho, null)).ok).toBe(true);
  });

  it.each([
    ["X_User_Id", "X-User_Roles", "X_Tenant_Id", "x_session_id", "X_Portcullis_Anything", "X_Request_Id"],
    ["Signature_Input", "Content_Digest", "X_Forwarded_For", "X_Real_IP", "True_Client_IP", "CF_Connecting_IP"],
  ])("look-alike headers (%s, …) that CGI servers read as the real names never reach the origin", async (...names) => {
    const headers = Object.fromEntries(names.map((name) => [name, "usr_spoofedspoofedspoofedspoofe"]));
    for (const init of [{ headers }, { headers: { ...headers, Authorization: `Bearer ${session.token}` } }]) {
      const forwarded = await echo(await gateFetch(init.headers.Authorization ? "/api/things" : "/public/page", init));
      const leaked = Object.keys(forwarded.headers).filter((name) => name.includes("_"));
      expect(leaked).toEqual([]);
    }
  });

  it("method override: a POST carrying X-HTTP-Method-Override: DELETE (or a look-alike) reaches the origin as a plain POST", async () => {
    const gate = isolatedGate({ GATE_POLICY: JSON.stringify([{ method: "DELETE", path: "/projects/*", roles: ["admin"] }]) });
    const overrides = { "X-HTTP-Method-Override": "DELETE", "X-HTTP-Method": "DELETE", "X-Method-Override": "DELETE", X_HTTP_Method_Override: "DELETE" };
    const forwarded = await echo(await gate.request("/projects/1", { method: "POST", headers: { ...overrides, Authorization: `Bearer ${session.token}` } }));
    expect(forwarded.method).toBe("POST");
    const leaked = Object.keys(forwarded.headers).filter((name) => name.replaceAll("_", "-").includes("method"));
    expect(leaked).toEqual([]);
    expect((await verifyAtOrigin(forwarded, "")).ok).toBe(true);
  });

  it("spoofed proxy headers: client-sent client-IP, X-Forwarded-Host/Proto and URL rewrite headers never reach the origin", async () => {
    const spoofed = {
      "X-Client-IP": "10.0.0.1",
      "Client-IP": "10.0.0.2",
      "X-Cluster-Client-IP": "10.0.0.3",
      "Fastly-Client-IP": "10.0.0.4",
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Port": "443",
      "X-Forwarded-Prefix": "/admin",
      X_Forwarded_Host: "evil.example",
      "X-Original-URL": "/admin/panel",
      "X-Rewrite-URL": "/admin/panel",
    };
    const forwarded = await echo(await gateFetch("/public/page", { headers: { ...spoofed, "CF-Connecting-IP": "203.0.113.9" } }));
    const passed = Object.keys(spoofed).map((name) => name.toLowerCase()).filter((name) => name in forwarded.headers);
    expect(passed).toEqual([]);
    expect(forwarded.headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect((await verifyAtOrigin(forwarded, null)).ok).toBe(true);
  });

  it("replaces client-sent X-Forwarded-For, X-Real-IP, True-Client-IP and Forwarded with the platform's address, under the signature", async () => {
    const spoofedAddresses = { "X-Forwarded-For": "10.0.0.1", "X-Real-IP": "10.0.0.2", "True-Client-IP": "10.0.0.3", Forwarded: "for=10.0.0.4" };
    const forwarded = await echo(await gateFetch("/api/things", { headers: { ...spoofedAddresses, "CF-Connecting-IP": "203.0.113.9", Authorization: `Bearer ${session.token}` } }));
    expect(forwarded.headers).toMatchObject({ "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9", "true-client-ip": "203.0.113.9", forwarded: "for=203.0.113.9" });
    expect(await verifyAtOrigin(forwarded, null)).toMatchObject({ ok: true, clientAddress: "203.0.113.9" });
    expect(await verifyAtOrigin({ ...forwarded, headers: { ...forwarded.headers, "x-forwarded-for": "10.0.0.1" } }, null)).toEqual({ ok: false, reason: "bad_signature" });

    const v6 = await echo(await gateFetch("/public/page", { headers: { "CF-Connecting-IP": "2001:DB8::1" } }));
    expect(v6.headers).toMatchObject({ "x-forwarded-for": "2001:db8::1", forwarded: 'for="[2001:db8::1]"' });

    const noPlatformAddress = await echo(await gateFetch("/public/page", { headers: spoofedAddresses }));
    for (const name of ["x-forwarded-for", "x-real-ip", "true-client-ip", "forwarded"]) expect(noPlatformAddress.headers[name], name).toBeUndefined();
    expect(await verifyAtOrigin(noPlatformAddress, null)).toMatchObject({ ok: true, clientAddress: null });
  });

  it("preserves method, path, query and body", async () => {
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
    expect(await verifyAtOrigin(forwarded, null)).toMatchObject({ ok: true, identity: { kind: "user", userId: session.user_id, tenantId, roles: ["user"] } });
    expect(await verifyAtOrigin(forwarded, null, { method: "POST" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyAtOrigin(forwarded, null, { url: "/api/other" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("anonymous treated as user: a public route's request verifies as anonymous", async () => {
    const forwarded = await echo(await gateFetch("/public/page", { headers: { "X-User-Id": session.user_id } }));
    expect(await verifyAtOrigin(forwarded, null)).toMatchObject({ ok: true, identity: { kind: "anonymous" } });
  });

  it("replay with another body: the signature covers the body's Content-Digest", async () => {
    const body = JSON.stringify({ amount: 10 });
    const forwarded = await echo(await gateFetch("/api/transfers", { method: "POST", body, headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" } }));
    expect(await verifyAtOrigin(forwarded, body)).toMatchObject({ ok: true });
    expect(await verifyAtOrigin(forwarded, JSON.stringify({ amount: 10_000 }))).toEqual({ ok: false, reason: "digest_mismatch" });
  });

  it("replay to another host: an origin reached under another authority refuses the signature", async () => {
    const forwarded = await echo(await gateFetch("/api/things", { headers: { Authorization: `Bearer ${session.token}` } }));
    expect(await verifyAtOrigin(forwarded, null, { authority: "billing.example" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("answers 413 payload_too_large for a body over the limit, declared or streamed, and forwards one at the limit", async () => {
    const headers = { Authorization: `Bearer ${session.token}`, "Content-Type": "application/octet-stream" };
    const declared = await gateFetch("/api/upload", { method: "PUT", body: new Uint8Array(MAX_FORWARDED_BODY_BYTES + 1), headers });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: "payload_too_large" } });

    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_FORWARDED_BODY_BYTES) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await gateFetch("/api/upload", { method: "PUT", body: stream, headers });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: "payload_too_large" } });

    const atLimit = await echo(await gateFetch("/api/upload", { method: "PUT", body: new Uint8Array(MAX_FORWARDED_BODY_BYTES), headers }));
    expect(atLimit.body_bytes).toBe(MAX_FORWARDED_BODY_BYTES);
  });

  it("aborted upload: a client that breaks off its body gets 400 invalid_request, logged at info, not a false origin_unreachable", async () => {
    const lines: { level: string; event: string }[] = [];
    for (const method of ["info", "log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((line: unknown) => {
        if (typeof line === "string") lines.push(JSON.parse(line) as { level: string; event: string });
      });
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(1024));
      },
      pull(controller) {
        controller.error(new Error("client went away"));
      },
    });
    const gate = isolatedGate();
    const response = await gate.request("/public/upload", { method: "POST", body, headers: { "Content-Type": "application/octet-stream" } });
    vi.restoreAllMocks();
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
    expect(lines.filter((line) => line.level === "error")).toEqual([]);
    expect(lines.map((line) => line.event)).toContain("client_body_unreadable");
  });

  it("answers 502 when the origin cannot be reached", async () => {
    const gate = isolatedGate({ ORIGIN_URL: "http://127.0.0.1:9" });
    const response = await gate.request("/public/x");
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: "bad_gateway" } });
  });
});
