import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshEmail, passwordUser } from "./support/accounts-client";
import { setAccount, testDb, userRow } from "./support/account-rows";
import { auditOf, consoleFormFields, sessionRowOf, signedInConsole, submit } from "./support/console-client";
import { adminFetch, createTenant, jsonRequest, signIn, withBearer, issuerFetch, type TenantCredentials } from "./support/issuer-client";
import type { PageBrowser } from "./support/page-browser";
import { createWebhook, freshEndpoint } from "./support/webhook-receiver";
import { auditEvents } from "../../../drizzle/schema";
import { eq } from "drizzle-orm";
import { newId } from "../../../shared/crypto/ids";

const XSS = "<script>alert(1)</script>";

async function namedTenant(name: string): Promise<TenantCredentials> {
  const slug = `c-${crypto.randomUUID().slice(0, 12)}`;
  const response = await adminFetch("/api/admin/tenants", jsonRequest("POST", { name, slug }));
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<TenantCredentials>();
}

async function page(browser: PageBrowser, path: string): Promise<string> {
  const opened = await browser.get(path);
  expect(opened.response.status, `${path}: ${opened.html.slice(0, 300)}`).toBe(200);
  return opened.html;
}

/** The one event of `type` that the answer's request recorded, checked to name the operator's console session. */
async function auditedAction(operator: PageBrowser, response: Response, type: string): Promise<typeof auditEvents.$inferSelect> {
  const events = await auditOf(response);
  const event = events.find((candidate) => candidate.type === type);
  expect(event, `${type} in ${JSON.stringify(events.map((candidate) => candidate.type))}`).toBeDefined();
  expect(event?.details.console_session).toBe((await sessionRowOf(operator)).id);
  return event as typeof auditEvents.$inferSelect;
}

describe("console: tenants", () => {
  it("XSS: a tenant named <script>alert(1)</script> renders escaped on the list, its page and the audit log", async () => {
    const tenant = await namedTenant(XSS);
    const operator = await signedInConsole();
    for (const path of ["/console/tenants", `/console/tenants/${tenant.tenant_id}`, `/console/audit?tenant_id=${tenant.tenant_id}`]) {
      const html = await page(operator, path);
      expect(html, path).not.toContain(XSS);
      expect(html, path).not.toMatch(/<script/);
    }
    expect(await page(operator, `/console/tenants/${tenant.tenant_id}`)).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("lists tenants newest first, each linked to its page", async () => {
    const older = await createTenant();
    const newer = await createTenant();
    const html = await page(await signedInConsole(), "/console/tenants");
    const at = (id: string) => html.indexOf(`<a href="/console/tenants/${id}">`);
    expect(at(newer.tenant_id)).toBeGreaterThan(-1);
    expect(at(older.tenant_id)).toBeGreaterThan(at(newer.tenant_id));
    expect(html).toContain('<th scope="col">Name</th>');
  });

  it("shows a tenant's settings, key ids, OAuth clients, connections and webhooks, and never a secret", async () => {
    const tenant = await createTenant();
    const client = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Web app", type: "confidential", redirect_uris: ["https://app.example/cb"] }))).json<{ client_id: string; client_secret: string }>();
    const connection = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/connections`, jsonRequest("POST", { provider: "oidc", issuer: "https://id.example", client_id: "portcullis", client_secret: "upstream-secret-value" }))).json<{ connection_id: string }>();
    const webhook = await createWebhook(tenant.tenant_id, freshEndpoint(), ["session.revoked"]);
    const html = await page(await signedInConsole(), `/console/tenants/${tenant.tenant_id}`);
    expect(html).toContain(client.client_id);
    expect(html).toContain(connection.connection_id);
    expect(html).toContain(webhook.url);
    expect(html).toContain(`/console/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}`);
    expect(html).toMatch(/<code>key_[0-9a-z]{26}<\/code>/);
    for (const secret of [tenant.api_key, tenant.secret_key, client.client_secret, "upstream-secret-value", webhook.secret]) expect(html).not.toContain(secret);
  });

  it("renames a tenant by the admin API's rule, audited with the console session", async () => {
    const tenant = await createTenant();
    const operator = await signedInConsole();
    const path = `/console/tenants/${tenant.tenant_id}`;
    const refused = await submit(operator, path, `${path}/name`, { name: "Acme\u0007" });
    expect(refused.response.status).toBe(400);
    expect(refused.html).toMatch(/<input id="tenant-name"[^>]*aria-describedby="tenant-name-error"/);
    expect(refused.html).toContain('<p id="tenant-name-error" class="error">The name must not contain control characters.</p>');
    const blank = await submit(operator, path, `${path}/name`, { name: "   " });
    expect(blank.response.status).toBe(400);
    expect(blank.html).toContain("The name must not be empty.");
    const renamed = await submit(operator, path, `${path}/name`, { name: "  Acme Widgets  " });
    expect(renamed.response.status).toBe(303);
    expect(renamed.response.headers.get("Location")).toBe(`${path}?done=renamed`);
    await auditedAction(operator, renamed.response, "tenant.updated");
    const shown = await page(operator, `${path}?done=renamed`);
    expect(shown).toContain("<h1>Tenant Acme Widgets</h1>");
    expect(shown).toContain("The name was saved.");
  });

  it("creates a key pair and shows it once; deleting one takes a confirmation step; both audited", async () => {
    const tenant = await createTenant();
    const operator = await signedInConsole();
    const path = `/console/tenants/${tenant.tenant_id}`;
    const created = await submit(operator, path, `${path}/keys`);
    expect(created.response.status).toBe(200);
    const apiKey = /<code>(pk_[^<]+)<\/code>/.exec(created.html)?.[1] ?? "";
    const secretKey = /<code>(sk_[^<]+)<\/code>/.exec(created.html)?.[1] ?? "";
    const keyId = /<code>(key_[0-9a-z]{26})<\/code><\/dd>/.exec(created.html)?.[1] ?? "";
    expect(apiKey).not.toBe("");
    expect(secretKey).not.toBe("");
    await auditedAction(operator, created.response, "tenant.key_created");
    // The new key works, and is never shown again.
    expect((await issuerFetch("/api/auth/request", jsonRequest("POST", { phone: "+1" }, { "x-api-key": apiKey }))).status).not.toBe(401);
    const again = await page(operator, path);
    expect(again).not.toContain(apiKey);
    expect(again).not.toContain(secretKey);
    const confirm = await page(operator, `${path}/keys/${keyId}/delete`);
    expect(confirm).toContain(`Delete key pair ${keyId}?`);
    // Without the confirmation step's own field, nothing is deleted.
    const unconfirmed = await operator.post(`${path}/keys/${keyId}/delete`, { csrf: consoleFormFields(confirm, `${path}/keys/${keyId}/delete`).csrf ?? "" });
    expect(unconfirmed.response.status).toBe(400);
    expect(await page(operator, path)).toContain(keyId);
    const deleted = await operator.post(`${path}/keys/${keyId}/delete`, consoleFormFields(confirm, `${path}/keys/${keyId}/delete`));
    expect(deleted.response.status).toBe(303);
    expect(deleted.response.headers.get("Location")).toBe(`${path}?done=key_deleted`);
    await auditedAction(operator, deleted.response, "tenant.key_deleted");
    expect(await page(operator, path)).not.toContain(keyId);
  });

  it("answers an unknown or malformed tenant, key or webhook with a 404 page", async () => {
    const operator = await signedInConsole();
    const tenant = await createTenant();
    for (const path of ["/console/tenants/tn_0000000000000000000000000a", "/console/tenants/not-an-id", `/console/tenants/${tenant.tenant_id}/keys/key_0000000000000000000000000a/delete`, `/console/tenants/${tenant.tenant_id}/webhooks/whk_0000000000000000000000000a`]) {
      const answer = await operator.get(path);
      expect(answer.response.status, path).toBe(404);
      expect(answer.html, path).toContain("<h1>Not found</h1>");
    }
  });
});

describe("console: users", () => {
  it("finds a user by id, by phone number and by email address within the tenant, and not in another tenant", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const user = await signIn(tenant);
    const email = freshEmail();
    await setAccount(user.user_id, { email });
    const operator = await signedInConsole();
    const link = `<a href="/console/users/${user.user_id}">`;
    for (const q of [user.user_id, user.phone, email.toUpperCase()]) {
      expect(await page(operator, `/console/users?tenant_id=${tenant.tenant_id}&q=${encodeURIComponent(q)}`), q).toContain(link);
      expect(await page(operator, `/console/users?tenant_id=${other.tenant_id}&q=${encodeURIComponent(q)}`), q).toContain("No user matches.");
    }
    expect(await page(operator, `/console/users?q=${user.user_id}`)).toContain(link);
    expect(await page(operator, `/console/users?tenant_id=${tenant.tenant_id}`)).toContain(link);
  });

  it("says what is wrong with a search beside its field", async () => {
    const operator = await signedInConsole();
    const noTenant = await operator.get(`/console/users?q=${encodeURIComponent("+14155550123")}`);
    expect(noTenant.response.status).toBe(400);
    expect(noTenant.html).toMatch(/<input id="tenant_id"[^>]*aria-describedby="tenant_id-error"/);
    const unreadable = await operator.get("/console/users?tenant_id=tn_0000000000000000000000000a&q=bobby");
    expect(unreadable.response.status).toBe(400);
    expect(unreadable.html).toMatch(/<input id="q"[^>]*aria-describedby="q-error"/);
  });

  it("shows a user's profile and live sessions, with markup in their data escaped", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { metadata: { name: `<img src=x onerror=alert(1)>${XSS}` } }));
    const html = await page(await signedInConsole(), `/console/users/${user.user_id}`);
    expect(html).not.toContain(XSS);
    expect(html).not.toContain("<img");
    expect(html).toContain(user.phone);
    const sessionId = String(JSON.parse(atob(user.token.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? "")).sid);
    expect(html).toContain(`<code>${sessionId}</code>`);
    expect(html).toContain('<th scope="col">Session id</th>');
  });

  it("disables and enables a user, and signs them out everywhere, through the admin API's services, each audited with the console session", async () => {
    const tenant = await createTenant();
    const webhook = await createWebhook(tenant.tenant_id, freshEndpoint(), ["session.revoked"]);
    const user = await signIn(tenant);
    const operator = await signedInConsole();
    const path = `/console/users/${user.user_id}`;

    const revoked = await submit(operator, path, `${path}/revoke-sessions`);
    expect(revoked.response.status).toBe(303);
    expect(revoked.response.headers.get("Location")).toBe(`${path}?done=revoked`);
    await auditedAction(operator, revoked.response, "user.sessions_revoked");
    expect((await issuerFetch("/api/auth/me", withBearer(user.token))).status).toBe(401);
    expect(await page(operator, `${path}?done=revoked`)).toContain("No live sessions.");

    const disabled = await submit(operator, path, `${path}/disable`);
    expect(disabled.response.headers.get("Location")).toBe(`${path}?done=disabled`);
    await auditedAction(operator, disabled.response, "user.disabled");
    expect((await userRow(user.user_id)).disabled).toBe(true);

    const enabled = await submit(operator, path, `${path}/enable`);
    expect(enabled.response.headers.get("Location")).toBe(`${path}?done=enabled`);
    await auditedAction(operator, enabled.response, "user.enabled");
    expect((await userRow(user.user_id)).disabled).toBe(false);

    // The webhook saw the revocation, and the console shows its delivery.
    const deliveries = await page(operator, `/console/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}`);
    expect(deliveries).toContain("session.revoked");
    expect(deliveries).toContain('<th scope="col">Attempts</th>');
  });

  it("deletes a user only after the confirmation step, audited with the console session", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const operator = await signedInConsole();
    const path = `/console/users/${user.user_id}`;
    const confirm = await page(operator, `${path}/delete`);
    expect(confirm).toContain(`Delete user ${user.user_id}?`);
    const unconfirmed = await operator.post(`${path}/delete`, { csrf: consoleFormFields(confirm, `${path}/delete`).csrf ?? "" });
    expect(unconfirmed.response.status).toBe(400);
    expect((await userRow(user.user_id)).deletedAt).toBeNull();
    const deleted = await operator.post(`${path}/delete`, consoleFormFields(confirm, `${path}/delete`));
    expect(deleted.response.status).toBe(303);
    expect(deleted.response.headers.get("Location")).toBe(`/console/users?tenant_id=${tenant.tenant_id}&done=deleted`);
    await auditedAction(operator, deleted.response, "user.deleted");
    expect((await userRow(user.user_id)).deletedAt).not.toBeNull();
    expect((await operator.get(path)).response.status).toBe(404);
  });
});

describe("console: audit log", () => {
  it("filters by tenant, user, type, outcome and time range", async () => {
    const tenant = await createTenant();
    const users = [await signIn(tenant), await signIn(tenant)];
    const operator = await signedInConsole();
    const base = `/console/audit?tenant_id=${tenant.tenant_id}`;
    const byTenant = await page(operator, base);
    expect(byTenant).toContain("tenant.created");
    expect(byTenant).toContain("auth.signed_in");
    const byType = await page(operator, `${base}&type=auth.signed_in`);
    expect(byType).not.toContain("<td>tenant.created</td>");
    expect(byType.match(/<td>auth\.signed_in<\/td>/g)?.length).toBe(2);
    const byUser = await page(operator, `${base}&user_id=${users[0]?.user_id ?? ""}&type=auth.signed_in`);
    expect(byUser.match(/<td>auth\.signed_in<\/td>/g)?.length).toBe(1);
    expect(await page(operator, `${base}&outcome=blocked`)).toContain("No event matches.");
    const [first] = await testDb.select().from(auditEvents).where(eq(auditEvents.tenantId, tenant.tenant_id)).orderBy(auditEvents.createdAt).limit(1);
    const created = first?.createdAt ?? new Date();
    const minute = (at: Date) => at.toISOString().slice(0, 16);
    expect(await page(operator, `${base}&to=${minute(created)}`)).toContain("No event matches.");
    expect(await page(operator, `${base}&from=${minute(created)}&to=${minute(new Date(Date.now() + 120_000))}`)).toContain("tenant.created");
  });

  it("pages through more events than fit on a page, keeping the filters", async () => {
    const tenantId = newId("tn");
    const start = Date.now() - 3_600_000;
    const rows = Array.from({ length: 55 }, (_, index) => ({ id: newId("evt"), type: "user.updated", outcome: "success", tenantId, details: { n: index }, createdAt: new Date(start + index * 1000) }));
    await testDb.insert(auditEvents).values(rows);
    const operator = await signedInConsole();
    const first = await page(operator, `/console/audit?tenant_id=${tenantId}&type=user.updated`);
    expect(first.match(/<td>user\.updated<\/td>/g)?.length).toBe(50);
    expect(first).toContain("{&quot;n&quot;:54");
    const older = /<a href="(\/console\/audit\?[^"]+)">Older events<\/a>/.exec(first)?.[1]?.replace(/&amp;/g, "&") ?? "";
    expect(older).toContain(`tenant_id=${tenantId}`);
    expect(older).toContain("type=user.updated");
    const second = await page(operator, older);
    expect(second.match(/<td>user\.updated<\/td>/g)?.length).toBe(5);
    expect(second).toContain("{&quot;n&quot;:0");
    expect(second).not.toContain("Older events");
  });

  it("says what is wrong with a filter beside its field", async () => {
    const operator = await signedInConsole();
    for (const [query, field] of [["tenant_id=nope", "tenant_id"], ["user_id=tn_0000000000000000000000000a", "user_id"], ["type=auth.hacked", "type"], ["outcome=maybe", "outcome"], ["from=2026-02-30T10:00", "from"], ["from=2026-11-20T10:00&to=2026-11-20T09:00", "to"]] as const) {
      const answer = await operator.get(`/console/audit?${query}`);
      expect(answer.response.status, query).toBe(400);
      expect(answer.html, query).toMatch(new RegExp(`aria-describedby="${field}-error"`));
    }
    const badCursor = await operator.get("/console/audit?cursor=nope");
    expect(badCursor.response.status).toBe(400);
    expect(badCursor.html).toContain("Not a cursor from a previous page.");
  });

  it("every console action is in the log under its console session: sign-in, changes, sign-out", async () => {
    const tenant = await createTenant();
    const operator = await signedInConsole();
    const sessionId = (await sessionRowOf(operator)).id;
    await submit(operator, `/console/tenants/${tenant.tenant_id}`, `/console/tenants/${tenant.tenant_id}/name`, { name: "Renamed" });
    await submit(operator, `/console/tenants/${tenant.tenant_id}`, "/console/logout");
    const rows = await testDb.select().from(auditEvents).where(eq(auditEvents.type, "console.signed_in"));
    expect(rows.some((row) => row.details.console_session === sessionId)).toBe(true);
    const trail = (await testDb.select().from(auditEvents)).filter((row) => row.details.console_session === sessionId).map((row) => row.type);
    expect(trail.sort()).toEqual(["console.signed_in", "console.signed_out", "tenant.updated"]);
  });
});

describe("console: the admin token never reaches a page", () => {
  it("is in no page an operator sees", async () => {
    const operator = await signedInConsole();
    for (const path of ["/console/tenants", "/console/users", "/console/audit?type=console.signed_in"]) expect(await page(operator, path), path).not.toContain(env.ADMIN_TOKEN);
  });
});
