import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createTenant, isolatedGate, signIn, type Session } from "./support/gate-stack";

let session: Session;

beforeAll(async () => {
  session = await signIn(await createTenant());
});

function gateFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://gate.test${path}`, init));
}

const ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

describe("method rules", () => {
  it("applies a GET rule to HEAD, which origins run as GET", async () => {
    const gate = isolatedGate({ GATE_POLICY: JSON.stringify([{ method: "GET", path: "/admin/*", roles: ["admin"] }]) });
    const response = await gate.request("/admin/export", { method: "HEAD", headers: { Authorization: `Bearer ${session.token}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/error="insufficient_scope"/);
  });

  it("applies a GET-only public rule to HEAD as well", async () => {
    const gate = isolatedGate({ GATE_POLICY: JSON.stringify([{ method: "GET", path: "/docs/*", access: "public" }]) });
    expect((await gate.request("/docs/intro", { method: "HEAD" })).status).toBe(200);
  });

  it.each(["PROPFIND", "PURGE", "MKCOL"])("answers %s, a method the policy cannot name, with 405 and Allow instead of forwarding it", async (method) => {
    const response = await gateFetch("/public/page", { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe(ALLOW);
    expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: "This method is not allowed on this resource." } });
  });

  it("answers 405 to an unlisted method before looking at the token", async () => {
    const response = await gateFetch("/admin/x", { method: "PROPFIND", headers: { Authorization: `Bearer ${session.token}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe(ALLOW);
  });

  it.each(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])("forwards %s on a public route", async (method) => {
    expect((await gateFetch("/public/page", { method })).status).toBe(200);
  });
});
