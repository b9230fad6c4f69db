/**
 * The gate-app example (examples/gate-app/), started as `npm run example` starts it, beside the
 * e2e stack: a person signs in on its page with a phone code and with a password (the SDK in
 * Chromium), keeps notes through its API behind its own gate, and nobody reaches the API around
 * the gate.
 */
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateApp, type GateApp } from "../../dev/example-gate-app";
import { freePort } from "../../dev/support/free-port";
import { freshPhone } from "../support/test-identities";
import { DESKTOP_VIEWPORT, launchBrowser, openGuardedContext, type GuardedBrowser } from "./support/browser";
import { e2eStack } from "./support/e2e-context";
import { nextSmsCode } from "./support/inboxes";
import { freshEmail } from "./support/users";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let app: GateApp;
let browser: Browser;

beforeAll(async () => {
  const stack = e2eStack();
  app = await startGateApp({
    root: ROOT,
    persistTo: stack.wrangler.persistTo,
    registryPath: stack.wrangler.registryPath,
    gateVars: stack.gateVars,
    issuerUrl: stack.issuerUrl,
    adminToken: stack.adminToken,
    appPort: await freePort(),
    gatePort: await freePort(),
    label: "e2e-example",
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openPage(): Promise<GuardedBrowser> {
  const opened = await openGuardedContext(browser, { allowedOrigins: [app.url, e2eStack().issuerUrl], viewport: DESKTOP_VIEWPORT });
  await opened.page.goto(`${app.url}/`);
  await opened.page.waitForSelector("body[data-ready=true]").catch(async (error: unknown) => {
    throw new Error(`The page did not start: ${String(error)}\n${opened.problems.map((problem) => `${problem.kind}: ${problem.detail}`).join("\n")}\n${(await opened.page.content()).slice(0, 2000)}`);
  });
  return opened;
}

async function addNote(page: Page, text: string): Promise<void> {
  await page.fill("#note-text", text);
  await page.click("#note-form button[type=submit]");
  await page.locator("#notes li", { hasText: text }).waitFor();
}

describe("the gate-app example", () => {
  it("signs in on its page with a phone code, then keeps the user's notes through the gate", async () => {
    const opened = await openPage();
    const { page } = opened;
    const phone = freshPhone();
    await page.fill("#phone", phone);
    await page.click("#phone-form button[type=submit]");
    await page.locator("#code-form").waitFor();
    await page.fill("#code", await nextSmsCode(phone));
    await page.click("#code-form button[type=submit]");
    await page.locator("#signed-in").waitFor();
    await expect.poll(() => page.textContent("#user-id")).toMatch(/^usr_/);
    await addNote(page, "Buy lanterns");
    expect(await page.locator("#notes li").allTextContents()).toEqual(["Buy lanterns"]);
    opened.assertNoProblems();
    await opened.close();
  });

  it("signs up and back in with a password: the notes belong to the user, not the browser", async () => {
    const email = freshEmail("notes");
    const first = await openPage();
    await first.page.fill("#email", email);
    await first.page.fill("#password", "tidy otter lantern 42");
    await first.page.click("#password-form button[value=sign-up]");
    await first.page.locator("#signed-in").waitFor();
    await addNote(first.page, "Only mine");
    await first.page.click("#sign-out");
    await first.page.locator("#signed-out").waitFor();
    first.assertNoProblems();
    await first.close();

    const second = await openPage();
    await second.page.fill("#email", email);
    await second.page.fill("#password", "tidy otter lantern 42");
    await second.page.click("#password-form button[value=sign-in]");
    await second.page.locator("#notes li", { hasText: "Only mine" }).waitFor();
    second.assertNoProblems();
    await second.close();
  });

  it("answers an API call through its gate without a token with 401 and the gate's challenge", async () => {
    const response = await fetch(`${app.url}/api/notes`);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
  });

  it("refuses a request that bypasses the gate with forged identity headers (gate bypass)", async () => {
    const forged = await fetch(`${app.appUrl}/api/notes`, {
      headers: {
        "X-User-Id": "usr_forged000000000000000000",
        "Signature-Input": 'portcullis=("@method" "@authority" "@path");created=1;keyid="portcullis-gate";alg="hmac-sha256"',
        Signature: "portcullis=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:",
      },
    });
    expect(forged.status).toBe(403);
    expect((await fetch(`${app.appUrl}/`)).status).toBe(403);
  });
});
