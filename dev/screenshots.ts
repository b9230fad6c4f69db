/**
 * `npm run screenshots`: the README's pictures of the hosted pages, taken from the real local
 * stack in the Chromium the browser suite uses. Starts the stack on free ports (nothing of
 * `npm run dev` is touched), makes a branded tenant and a verified user, signs in on /login and
 * saves docs/images/login.png (phone-sized) and docs/images/account.png (desktop).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { EN } from "../workers/issuer/pages/strings-en";
import { ROOT } from "./build";
import { DESKTOP_VIEWPORT, launchBrowser, PHONE_VIEWPORT } from "../test/e2e/support/browser";
import { startLocalStack, type LocalStack } from "../test/support/local-stack";

const IMAGES = join(ROOT, "docs", "images");
/** Only read when REDIS_URL is set; the projects that run in parallel use 11 to 14. */
const SCREENSHOTS_REDIS_DATABASE = 15;
const USER = { email: "ada@example.com", password: "tidy otter lantern 42" };
/** What the account page's list of devices shows for this browser, instead of "HeadlessChrome". */
const DESKTOP_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0.0.0 Safari/537.36";

async function main(): Promise<void> {
  mkdirSync(IMAGES, { recursive: true });
  const stack = await startLocalStack({ label: "screenshots", redisDatabase: SCREENSHOTS_REDIS_DATABASE, issuerHost: "localhost" });
  const browser = await launchBrowser();
  try {
    const apiKey = await brandedTenant(stack);
    await verifiedUser(stack, apiKey);
    const loginUrl = `${stack.urls.issuer}/login?key=${apiKey}`;

    const phone = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, deviceScaleFactor: 2 });
    const phonePage = await phone.newPage();
    await phonePage.goto(loginUrl);
    await save(phonePage, "login.png");
    await phone.close();

    const desktop = await browser.newContext({ viewport: DESKTOP_VIEWPORT, userAgent: DESKTOP_AGENT });
    const page = await desktop.newPage();
    await page.goto(loginUrl);
    await page.getByLabel(EN.email).fill(USER.email);
    await page.getByLabel(EN.password).fill(USER.password);
    await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: EN.signIn, exact: true }).click()]);
    await page.goto(`${stack.urls.issuer}/account?key=${apiKey}`);
    await save(page, "account.png");
    await desktop.close();
  } finally {
    await browser.close();
    await stack.close();
  }
}

async function save(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("load");
  await page.screenshot({ path: join(IMAGES, name), fullPage: true });
  console.log(`[screenshots] ${page.url().replace(/key=[^&]+/, "key=…")} → docs/images/${name}`);
}

async function brandedTenant(stack: LocalStack): Promise<string> {
  const settings = {
    sign_in_methods: ["password", "phone_otp", "passkey"],
    email_branding: "Acme Notes",
    branding: { primary_color: "#0b5d46", background_color: "#f6f8f7" },
  };
  const response = await fetch(`${stack.urls.issuer}/api/admin/tenants`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Acme Notes", slug: "acme-notes", settings }),
  });
  const body = (await response.json()) as { api_key?: string };
  if (response.status !== 201 || body.api_key === undefined) throw new Error(`creating the tenant answered ${response.status}: ${JSON.stringify(body)}`);
  return body.api_key;
}

/** Signs up through the JSON routes and confirms the address with the code from the sandbox's inbox. */
async function verifiedUser(stack: LocalStack, apiKey: string): Promise<void> {
  const post = (path: string, body: unknown) =>
    fetch(`${stack.urls.issuer}${path}`, { method: "POST", headers: { "x-api-key": apiKey, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const signup = await post("/api/auth/signup", USER);
  if (signup.status !== 202) throw new Error(`sign-up answered ${signup.status}`);
  let code: string | undefined;
  for (let tries = 0; code === undefined && tries < 150; tries++) {
    const inbox = (await (await fetch(`${stack.standIns.sms.url}/emails?to=${encodeURIComponent(USER.email)}`)).json()) as { emails: { text: string | null }[] };
    code = inbox.emails.map((email) => /\b(\d{6})\b/.exec(email.text ?? "")?.[1]).find((found) => found !== undefined);
    if (code === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (code === undefined) throw new Error("no verification email arrived");
  const verify = await post("/api/auth/email/verify", { email: USER.email, code });
  if (verify.status !== 200) throw new Error(`email verification answered ${verify.status}`);
}

await main();
