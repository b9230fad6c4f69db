/**
 * The SDK in real headless Chromium, the way an app ships it: its ES module bundle served by an
 * app on its own origin (allowed by the tenant's `cors_origins`), signing in against the local
 * stack's issuer by phone code and by passkey (Chromium's virtual authenticator), with a strict
 * CSP and no console errors.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../../dev/support/http-server";
import type { PortcullisClient, PortcullisError } from "../../sdk/src/index";
import { createAdminClient, type CreatedTenant } from "../../sdk/src/server/index";
import { freshPhone } from "../support/test-identities";
import { DESKTOP_VIEWPORT, launchBrowser, openGuardedContext, type GuardedBrowser } from "./support/browser";
import { e2eStack } from "./support/e2e-context";
import { nextSmsCode } from "./support/inboxes";
import { addVirtualAuthenticator } from "./support/virtual-authenticator";

let app: RunningServer;
let appOrigin: string;
let tenant: CreatedTenant;
let browser: Browser;
let guarded: GuardedBrowser;

/** The SDK as one ES module, bundled from its source as `npm run build:sdk` bundles it. */
async function sdkBundle(): Promise<string> {
  const result = await build({ entryPoints: ["sdk/src/index.ts"], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "silent" });
  return result.outputFiles[0]?.text ?? "";
}

function appServer(sdk: string, config: { issuerUrl: string; publishableKey: string }) {
  const pages: Record<string, { type: string; body: string }> = {
    "/": { type: "text/html", body: '<!doctype html><html lang="en"><head><title>SDK app</title><script type="module" src="/app.js"></script></head><body><main>SDK app</main></body></html>' },
    "/sdk.js": { type: "text/javascript", body: sdk },
    "/app.js": {
      type: "text/javascript",
      body: `import { createPortcullisClient, PortcullisError } from "/sdk.js";
window.portcullis = createPortcullisClient(${JSON.stringify(config)});
window.PortcullisError = PortcullisError;
document.body.dataset.ready = "true";`,
    },
  };
  return (request: IncomingMessage, response: ServerResponse) => {
    const page = pages[new URL(request.url ?? "/", "http://app").pathname];
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "content-type": `${page.type}; charset=utf-8`,
      "content-security-policy": `default-src 'none'; script-src 'self'; connect-src ${config.issuerUrl}; base-uri 'none'; frame-ancestors 'none'`,
    });
    response.end(page.body);
  };
}

beforeAll(async () => {
  const { issuerUrl, adminToken } = e2eStack();
  // Passkeys need a host name, not an IP: the app lives on localhost like the issuer, on its own port.
  const sdk = await sdkBundle();
  let handler: ReturnType<typeof appServer> | null = null;
  app = await listen((request, response) => handler?.(request, response), { port: 0 });
  appOrigin = `http://localhost:${app.port}`;
  const slug = `sdk-web-${crypto.randomUUID().slice(0, 8)}`;
  tenant = await createAdminClient({ issuerUrl, adminToken }).tenants.create({ name: slug, slug, settings: { cors_origins: [appOrigin] } });
  handler = appServer(sdk, { issuerUrl, publishableKey: tenant.api_key });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
  await app.close();
});

async function openApp(): Promise<GuardedBrowser> {
  guarded = await openGuardedContext(browser, { allowedOrigins: [appOrigin, e2eStack().issuerUrl], viewport: DESKTOP_VIEWPORT });
  await guarded.page.goto(`${appOrigin}/`);
  await guarded.page.waitForSelector("body[data-ready=true]");
  return guarded;
}

describe("SDK in Chromium", () => {
  it("signs in by phone code from the app's own origin, then reads the user and calls the issuer with the token", async () => {
    const opened = await openApp();
    const { page } = opened;
    const phone = freshPhone();
    await page.evaluate((number) => window.portcullis.requestPhoneCode(number), phone);
    const code = await nextSmsCode(phone);
    expect(await page.evaluate(([number, sent]) => window.portcullis.verifyPhoneCode(number, sent), [phone, code] as const)).toMatchObject({ status: "signed_in", isNewUser: true });
    expect(await page.evaluate(() => window.portcullis.getUser().then((user) => user.phone))).toBe(phone);
    const sessions = await page.evaluate(async (issuer) => {
      const response = await window.portcullis.fetch(`${issuer}/api/auth/sessions`);
      return { status: response.status, body: (await response.json()) as { sessions: unknown[] } };
    }, e2eStack().issuerUrl);
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions).toHaveLength(1);
    opened.assertNoProblems();

    // A refused code: the typed error reaches the app; Chromium logs the 401 itself, and nothing else.
    const wrong = await page.evaluate(async (number) => {
      try {
        await window.portcullis.verifyPhoneCode(number, "000000");
        return null;
      } catch (error) {
        return error instanceof window.PortcullisError ? error.code : String(error);
      }
    }, phone);
    expect(wrong).toBe("code_expired");
    expect(opened.problems.map((problem) => problem.detail)).toEqual([expect.stringContaining("status of 401")]);
    await opened.close();
  });

  it("registers a passkey for the signed-in user, signs out, and signs back in with the passkey alone", async () => {
    const opened = await openApp();
    const { page } = opened;
    await addVirtualAuthenticator(page);
    const phone = freshPhone();
    await page.evaluate((number) => window.portcullis.requestPhoneCode(number), phone);
    const code = await nextSmsCode(phone);
    const signedIn = await page.evaluate(([number, sent]) => window.portcullis.verifyPhoneCode(number, sent), [phone, code] as const);
    const registered = await page.evaluate(() => window.portcullis.registerPasskey("Test laptop"));
    expect(registered).toMatchObject({ name: "Test laptop" });
    await page.evaluate(() => window.portcullis.signOut());
    expect(await page.evaluate(() => window.portcullis.getSession())).toBeNull();
    const again = await page.evaluate(() => window.portcullis.signInWithPasskey());
    expect(again).toMatchObject({ status: "signed_in", isNewUser: false });
    expect(again.status === "signed_in" && signedIn.status === "signed_in" && again.userId === signedIn.userId).toBe(true);
    expect(await page.evaluate(() => window.portcullis.getUser().then((user) => user.mfa.passkeys))).toBe(1);
    opened.assertNoProblems();
    await opened.close();
  });
});

declare global {
  interface Window {
    portcullis: PortcullisClient;
    PortcullisError: typeof PortcullisError;
  }
}
