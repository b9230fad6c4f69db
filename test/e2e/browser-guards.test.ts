/**
 * The browser suite's guards can fail: each throwaway page below does one thing a hosted page
 * must never do, served by route fulfilment on the issuer's origin (the requests never reach the
 * issuer), and the guard must report it.
 * Without these, a guard that silently stopped listening would let every flow pass.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations } from "./support/accessibility";
import { DESKTOP_VIEWPORT, launchBrowser, openGuardedContext, type GuardedBrowser } from "./support/browser";
import { e2eStack } from "./support/e2e-context";
import { visit } from "./support/visit";

const STRICT_CSP = "default-src 'none'; style-src 'nonce-n0nce'; script-src 'nonce-n0nce'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let browser: Browser;
beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser.close(); });

function document(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Throwaway</title></head><body><main><h1>Throwaway</h1>${body}</main></body></html>`;
}

async function serve(body: string, csp = STRICT_CSP): Promise<GuardedBrowser> {
  const origin = e2eStack().issuerUrl;
  const guarded = await openGuardedContext(browser, { allowedOrigins: [origin], viewport: DESKTOP_VIEWPORT });
  await guarded.page.route(`${origin}/throwaway`, (route) => route.fulfill({ contentType: "text/html; charset=utf-8", headers: { "Content-Security-Policy": csp }, body: document(body) }));
  await guarded.page.route(`${origin}/favicon.ico`, (route) => route.fulfill({ status: 204 }));
  await guarded.page.goto(`${origin}/throwaway`);
  return guarded;
}

describe("the browser guards", () => {
  it("pass a page that keeps to the policy, with a nonce'd style and script", async () => {
    const guarded = await serve(`<style nonce="n0nce">p { color: #1a1a1a; }</style><p>Fine.</p><script nonce="n0nce">document.querySelector("p").textContent = "Still fine.";</script>`);
    await expect(visit(guarded)).resolves.toBeInstanceOf(URL);
    expect(await guarded.page.textContent("p")).toBe("Still fine.");
    await guarded.close();
  });

  it("report an inline style attribute the CSP blocks", async () => {
    const guarded = await serve(`<p style="color: #1a1a1a">Styled inline.</p>`);
    await expect(visit(guarded)).rejects.toThrow(/csp-violation: .*style-src-attr/);
    await guarded.close();
  });

  it("report an injected script without the nonce", async () => {
    const guarded = await serve(`<script>document.title = "injected";</script>`);
    await expect(visit(guarded)).rejects.toThrow(/csp-violation: .*script-src-elem/);
    expect(await guarded.page.title()).toBe("Throwaway");
    await guarded.close();
  });

  it("report a console error the page logs", async () => {
    const guarded = await serve(`<script nonce="n0nce">console.error("something broke");</script>`);
    await expect(visit(guarded)).rejects.toThrow(/console-error: something broke/);
    await guarded.close();
  });

  it("report an exception no script caught", async () => {
    const guarded = await serve(`<script nonce="n0nce">null.property;</script>`);
    await expect(visit(guarded)).rejects.toThrow(/page-error: .*null/);
    await guarded.close();
  });

  it("refuse and report a request to a third-party origin, even one the CSP would let through", async () => {
    const guarded = await serve(`<img src="https://tracker.example/pixel.png" alt="">`, "default-src 'none'; img-src *");
    await expect(visit(guarded)).rejects.toThrow(/third-party-request: https:\/\/tracker\.example\/pixel\.png/);
    await guarded.close();
  });

  it("report an input without a label as a serious accessibility violation", async () => {
    const guarded = await serve(`<form><input name="phone"><button>Send</button></form>`);
    expect((await accessibilityViolations(guarded.page)).join("\n")).toMatch(/^label \(critical\)/m);
    await expect(visit(guarded)).rejects.toThrow(/Accessibility violations/);
    await guarded.close();
  });

  it("report text that fails WCAG AA contrast", async () => {
    const guarded = await serve(`<style nonce="n0nce">p { color: #bbbbbb; background: #ffffff; }</style><p>Pale grey on white.</p>`);
    expect((await accessibilityViolations(guarded.page)).join("\n")).toMatch(/^color-contrast \(serious\)/m);
    guarded.assertNoProblems();
    await guarded.close();
  });
});
