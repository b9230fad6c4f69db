import { describe, expect, it } from "vitest";
import { PageBrowser } from "./support/page-browser";
import { signedInConsole } from "./support/console-client";
import { adminFetch, createTenant, jsonRequest, signIn } from "./support/issuer-client";

describe("the console dashboard", () => {
  it("draws six charts of the chosen tenant, each with a title, a description and its numbers as a table", async () => {
    const tenant = await createTenant();
    await signIn(tenant);
    const browser = await signedInConsole();
    const page = await browser.get(`/console?tenant=${tenant.tenant_id}`);
    expect(page.response.status, page.html).toBe(200);
    expect(page.html.match(/<svg[^>]*role="img"/g)).toHaveLength(6);
    expect(page.html.match(/<table class="chart-table/g)?.length).toBeGreaterThanOrEqual(6);
    expect(page.html).toContain("Sign-ins by method");
    expect(page.html).not.toMatch(/NaN|Infinity/);
    expect(page.html).not.toMatch(/<script/i);
    expect(page.response.headers.get("Content-Security-Policy")).toMatch(/script-src 'none'|default-src 'none'/);
  });

  it("XSS: a tenant named with markup is shown escaped in the picker and the charts", async () => {
    const tenant = await createTenant();
    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { name: "<img src=x onerror=alert(1)>" }))).status).toBe(200);
    const page = await (await signedInConsole()).get(`/console?tenant=${tenant.tenant_id}`);
    expect(page.response.status).toBe(200);
    expect(page.html).not.toContain("<img src=x");
    expect(page.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("takes 24h, 7d and 30d, and refuses any other range, an unknown field and a malformed tenant without running a query", async () => {
    const tenant = await createTenant();
    const browser = await signedInConsole();
    for (const range of ["24h", "7d", "30d"]) expect((await browser.get(`/console?tenant=${tenant.tenant_id}&range=${range}`)).response.status).toBe(200);
    expect((await browser.get(`/console?tenant=${tenant.tenant_id}&range=1y`)).response.status).toBe(400);
    expect((await browser.get(`/console?tenant=${tenant.tenant_id}&days=7`)).response.status).toBe(400);
    expect((await browser.get("/console?tenant=1%27%20or%201=1--")).response.status).toBe(400);
    expect((await browser.get("/console?tenant=tn_00000000000000000000000000")).response.status).toBe(404);
  });

  it("without a session, sends the browser to sign in and shows nothing", async () => {
    const page = await new PageBrowser().get("/console");
    expect(page.response.status).toBe(303);
    expect(page.response.headers.get("Location")).toBe("/console/login");
    expect(page.html).not.toContain("<svg");
  });
});
