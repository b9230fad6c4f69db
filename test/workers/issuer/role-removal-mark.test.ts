/**
 * Taking a role away must never leave the new roles written without their issued-before
 * mark: otherwise a retry sees nothing left to take away, and tokens carrying the old
 * roles stay valid until they expire.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RevocationStore } from "../../../shared/ports/revocation-store";
import { issuerDeps } from "../../../workers/issuer/deps";
import { AuditRecorder } from "../../../workers/issuer/services/audit-recorder";
import { updateUser } from "../../../workers/issuer/services/user-admin";
import { createTenant, expectError, issuerFetch, signIn, withBearer } from "./support/issuer-client";

const deps = issuerDeps(env);

/** Fails the first user-wide revocation, as an outage between two steps would. */
function failingOnce(store: RevocationStore): RevocationStore {
  let failed = false;
  return {
    ...store,
    revokeUser: (...args) => {
      if (failed) return store.revokeUser(...args);
      failed = true;
      return Promise.reject(new Error("connection reset"));
    },
  };
}

describe("taking a role away when the revocation step fails", () => {
  it("leaves the roles unchanged, so the admin's retry still writes the mark and the old-role token is refused", async () => {
    const tenant = await createTenant({ default_roles: ["user", "admin"] });
    const user = await signIn(tenant);
    const flaky = { ...deps, revocations: failingOnce(deps.revocations) };
    const audit = new AuditRecorder(deps.auditLog, deps.auditSpool, { requestId: "req_test", ip: null, network: "unknown", userAgent: null, country: null }, deps.logger);
    await expect(updateUser(flaky, audit, user.user_id, { roles: ["user"] })).rejects.toThrow("connection reset");
    expect(await deps.users.find(user.user_id)).toMatchObject({ roles: ["user", "admin"] });
    const retried = await updateUser(flaky, audit, user.user_id, { roles: ["user"] });
    expect(retried).toMatchObject({ ok: true, value: { roles: ["user"] } });
    await expectError(await issuerFetch("/api/auth/me", withBearer(user.token)), 401, "invalid_token");
  });
});
