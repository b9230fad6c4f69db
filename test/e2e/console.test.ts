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
  expect((await visit(guarded)).pathname).toBe("/console");
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
    expect((await click(guarded, "link", CONSOLE.nav.tenants)).pathname).toBe("/console/tenants");
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

  it("dashboard: shows a tenant's activity as charts drawn on the server, whose numbers are the actions this test performed", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] }, "dash");
    await createWebhook(tenant.id, ["user.created"]);
    // Two password users (sign-up, verified address, log-in each): two password sign-ins, two user.created.
    await verifiedPasswordUser(tenant);
    await verifiedPasswordUser(tenant);
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;
    await signIn(guarded);
    await page.goto(consoleUrl(`/console?tenant=${tenant.id}&range=24h`));
    expect((await visit(guarded)).pathname).toBe("/console");
    const t = CONSOLE.dashboard;
    for (const title of [t.signIns.title, t.failures.title, t.sms.title, t.delivery.title, t.blocked.title, t.webhooks.title]) {
      await expect(page.getByRole("img", { name: title, exact: true }).count()).resolves.toBe(1);
    }
    const columnTotal = async (caption: string, column: string): Promise<number> => {
      const table = page.locator("table", { has: page.locator("caption", { hasText: caption }) }).first();
      const headers = await table.locator("thead th").allTextContents();
      const index = headers.indexOf(column);
      if (index < 0) return 0;
      const cells = await table.locator(`tbody tr > :nth-child(${index + 1})`).allTextContents();
      return cells.reduce((sum, cell) => sum + Number(cell), 0);
    };
    expect(await columnTotal(t.signIns.title, "password")).toBe(2);
    expect(await columnTotal(t.failures.title, "password")).toBe(0);
    // The webhook's two deliveries, once the queue has sent them.
    let attempts = 0;
    for (let round = 0; round < 40 && attempts < 2; round++) {
      await page.goto(consoleUrl(`/console?tenant=${tenant.id}&range=24h`));
      await visit(guarded);
      attempts = await columnTotal(t.webhooks.title, "succeeded");
      if (attempts < 2) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(attempts).toBe(2);
    // Another range, picked with the form (no script): the page reloads with it.
    await page.getByLabel(t.range).selectOption("7d");
    await navigating(guarded, () => page.getByRole("button", { name: t.show }).click());
    expect((await visit(guarded)).searchParams.get("range")).toBe("7d");
    expect(await columnTotal(t.signIns.title, "password")).toBe(2);
  });
});
