/**
 * The operator console in a real browser: an operator signs in with the deployment's
 * ADMIN_TOKEN and walks every page (tenants, a tenant, a webhook's deliveries, user search, a
 * user, the disable, sign-out-everywhere and delete flow, the audit log's filters), with no
 * script on any page. Every navigation is checked by `visit`: no CSP violation, no console
 * error, no third-party request, and no serious or critical axe-core violation.
 */
import { describe, expect, it } from "vitest";
import { CONSOLE } from "../../workers/issuer/pages/console/console-strings";
import { createTenant } from "./support/admin-api";
import { DESKTOP_VIEWPORT, PHONE_VIEWPORT, type GuardedBrowser } from "./support/browser";
import { browserFlow, navigating } from "./support/browser-flow";
import { e2eStack } from "./support/e2e-context";
import { verifiedPasswordUser } from "./support/users";
import { visit } from "./support/visit";

const flow = browserFlow();

function consoleUrl(path: string): string {
  return new URL(path, e2eStack().issuerUrl).href;
}

/** A webhook of the tenant to the sandbox's receiver, as an operator would add one with the admin API. */
async function createWebhook(tenantId: string, events: readonly string[]): Promise<{ webhook_id: string; url: string }> {
  const { issuerUrl, adminToken, sandboxUrl } = e2eStack();
  const response = await fetch(new URL(`/api/admin/tenants/${tenantId}/webhooks`, issuerUrl), {
    method: "POST",
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ url: `${sandboxUrl}/webhooks/console-${crypto.randomUUID().slice(0, 12)}`, events }),
  });
  if (response.status !== 201) throw new Error(`webhook creation answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { webhook_id: string; url: string };
}

async function signIn(guarded: GuardedBrowser): Promise<void> {
  const { page } = guarded;
  await page.goto(consoleUrl("/console"));
  expect((await visit(guarded)).pathname).toBe("/console/login");
  await page.getByLabel(CONSOLE.signIn.token).fill(e2eStack().adminToken);
  await navigating(guarded, () => page.getByRole("button", { name: CONSOLE.signIn.submit }).click());
  expect((await visit(guarded)).pathname).toBe("/console/tenants");
}

async function click(guarded: GuardedBrowser, role: "link" | "button", name: string | RegExp): Promise<URL> {
  await navigating(guarded, () => guarded.page.getByRole(role, { name, exact: typeof name === "string" }).first().click());
  return visit(guarded);
}

describe("the operator console in Chromium", () => {
  it("refuses a wrong admin token with its message beside the field, and keeps the page accessible", async () => {
    const guarded = await flow.open(PHONE_VIEWPORT);
    const { page } = guarded;
    await page.goto(consoleUrl("/console/login"));
    await visit(guarded);
    await page.getByLabel(CONSOLE.signIn.token).fill("not-the-admin-token-at-all");
    await navigating(guarded, () => page.getByRole("button", { name: CONSOLE.signIn.submit }).click());
    expect((await visit(guarded)).pathname).toBe("/console/login");
    await expect(page.getByRole("alert").textContent()).resolves.toBe(CONSOLE.signIn.wrongToken);
    expect(await page.getByLabel(CONSOLE.signIn.token).getAttribute("aria-describedby")).toBe("token-error");
  });

  it("tenants: signs in with the admin token, opens a tenant, creates a key pair shown once, renames it, and opens its webhook's deliveries", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] }, "console");
    const webhook = await createWebhook(tenant.id, ["session.revoked"]);
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;
    await signIn(guarded);
    expect((await click(guarded, "link", tenant.slug)).pathname).toBe(`/console/tenants/${tenant.id}`);
    await click(guarded, "button", CONSOLE.tenant.createKey);
    expect(await page.getByRole("status").textContent()).toContain(CONSOLE.tenant.newKey);
    expect(await page.locator("code", { hasText: /^pk_/ }).count()).toBe(1);
    await page.getByLabel(CONSOLE.tenant.rename).fill(`${tenant.slug} renamed`);
    await click(guarded, "button", CONSOLE.tenant.save);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(CONSOLE.tenant.title(`${tenant.slug} renamed`));
    expect(await page.locator("code", { hasText: /^pk_/ }).count()).toBe(0);
    expect((await click(guarded, "link", CONSOLE.tenant.deliveriesOf(webhook.url))).pathname).toBe(`/console/tenants/${tenant.id}/webhooks/${webhook.webhook_id}`);
    expect(await page.textContent("main")).toContain(CONSOLE.webhook.none);
    expect((await click(guarded, "link", CONSOLE.webhook.back)).pathname).toBe(`/console/tenants/${tenant.id}`);
  });

  it("users: finds a user by email, signs them out everywhere, disables, enables and deletes them through the confirmation step; the webhook's deliveries show it", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] }, "console");
    const webhook = await createWebhook(tenant.id, ["session.revoked", "user.deleted"]);
    const user = await verifiedPasswordUser(tenant);
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;
    await signIn(guarded);
    await page.goto(consoleUrl(`/console/tenants/${tenant.id}`));
    await visit(guarded);
    expect((await click(guarded, "link", CONSOLE.tenant.users)).pathname).toBe("/console/users");
    await page.getByLabel(CONSOLE.users.query).fill(user.email);
    await click(guarded, "button", CONSOLE.users.search);
    expect((await click(guarded, "link", user.userId)).pathname).toBe(`/console/users/${user.userId}`);
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(0);

    await click(guarded, "button", CONSOLE.user.revoke);
    expect(await page.getByRole("status").textContent()).toBe(CONSOLE.done.revoked);
    expect(await page.textContent("main")).toContain(CONSOLE.user.noSessions);
    await click(guarded, "button", CONSOLE.user.disable);
    expect(await page.getByRole("status").textContent()).toBe(CONSOLE.done.disabled);
    await click(guarded, "button", CONSOLE.user.enable);
    expect(await page.getByRole("status").textContent()).toBe(CONSOLE.done.enabled);
    expect((await click(guarded, "link", CONSOLE.user.delete)).pathname).toBe(`/console/users/${user.userId}/delete`);
    expect((await click(guarded, "button", CONSOLE.confirmDeleteUser.confirm)).pathname).toBe("/console/users");
    expect(await page.getByRole("status").first().textContent()).toBe(CONSOLE.done.deleted);

    await page.goto(consoleUrl(`/console/tenants/${tenant.id}/webhooks/${webhook.webhook_id}`));
    await visit(guarded);
    expect(await page.textContent("main")).toContain("session.revoked");
    expect(await page.textContent("main")).toContain("user.deleted");
  });

  it("audit log: filters by tenant, type, outcome and time, then signs out, after which the console is behind the sign-in again", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] }, "console");
    const user = await verifiedPasswordUser(tenant);
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;
    await signIn(guarded);
    await click(guarded, "link", CONSOLE.nav.audit);
    await page.getByLabel(CONSOLE.audit.tenant).fill(tenant.id);
    await page.getByLabel(CONSOLE.audit.type).selectOption("auth.email_verified");
    await page.getByLabel(CONSOLE.audit.outcome).selectOption("success");
    await page.getByLabel(CONSOLE.audit.from).fill(new Date(Date.now() - 3_600_000).toISOString().slice(0, 16));
    const filtered = await click(guarded, "button", CONSOLE.audit.apply);
    expect(filtered.searchParams.get("type")).toBe("auth.email_verified");
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(user.userId);
    expect((await click(guarded, "link", user.userId)).pathname).toBe(`/console/users/${user.userId}`);

    await click(guarded, "button", CONSOLE.signOut);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(CONSOLE.signedOut.title);
    await page.goto(consoleUrl("/console/tenants"));
    expect((await visit(guarded)).pathname).toBe("/console/login");
  });
});
