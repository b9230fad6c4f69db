import { beforeAll, describe, expect, it } from "vitest";
import { TENANTS_NOT_NAMED } from "../../../workers/gate/services/health";
import { createTenant, isolatedGate, setRoles, signIn, type Session, type Tenant } from "./support/gate-stack";

let ours: Tenant;
let ourAdmin: Session;
let otherAdmin: Session;

/** A tenant's user holding the role `admin`, which any tenant can grant its own users. */
async function adminOf(tenant: Tenant): Promise<Session> {
  const user = await signIn(tenant);
  await setRoles(user.user_id, ["user", "admin"]);
  return signIn(tenant, user.phone);
}

beforeAll(async () => {
  ours = await createTenant();
  ourAdmin = await adminOf(ours);
  otherAdmin = await adminOf(await createTenant());
});

const bearer = (session: Session) => ({ headers: { Authorization: `Bearer ${session.token}` } });

/** The role rule alone: the development policy's second-factor requirement on /admin/* is not what these tests are about. */
const GATE_POLICY = JSON.stringify([{ path: "/admin/*", roles: ["admin"] }]);

describe("the tenants a gate serves (GATE_TENANTS)", () => {
  it("keeps another tenant's self-made admin out of our /admin/*: only the named tenants pass", async () => {
    const gate = isolatedGate({ GATE_TENANTS: ours.tenant_id, GATE_POLICY });
    const intruder = await gate.request("/admin/panel", bearer(otherAdmin));
    expect(intruder.status).toBe(401);
    expect(intruder.headers.get("WWW-Authenticate")).toMatch(/error="invalid_token"/);
    expect((await gate.request("/admin/panel", bearer(ourAdmin))).status).toBe(200);
  });

  it("serves every tenant of the issuer only when told so with *", async () => {
    const gate = isolatedGate({ GATE_TENANTS: "*", GATE_POLICY });
    expect((await gate.request("/admin/panel", bearer(otherAdmin))).status).toBe(200);
    expect((await gate.request("/admin/panel", bearer(ourAdmin))).status).toBe(200);
  });

  it("refuses to serve with GATE_TENANTS empty: 503 service_unavailable on every route, public ones too", async () => {
    const gate = isolatedGate({ GATE_TENANTS: "" });
    for (const [path, init] of [["/admin/panel", bearer(ourAdmin)], ["/api/things", bearer(otherAdmin)], ["/public/hello", {}]] as const) {
      const response = await gate.request(path, init);
      expect(response.status, path).toBe(503);
      expect(await response.json(), path).toEqual({ error: { code: "service_unavailable", message: expect.stringMatching(/tenants/) } });
    }
  });

  it("says why in /__gate/health: unhealthy (503), naming GATE_TENANTS", async () => {
    const response = await isolatedGate({ GATE_TENANTS: "" }).request("/__gate/health");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unhealthy", checks: { jwks: "up", revocation: "up" }, problems: [TENANTS_NOT_NAMED] });
  });
});
