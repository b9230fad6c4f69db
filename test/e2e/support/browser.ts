/**
 * Headless Chromium for the browser suite: one browser per test file, a fresh context per test,
 * and a page that records everything a hosted page must never do (a CSP violation, a console
 * error, an uncaught exception, a request to a third party) so the test fails on it.
 */
import sparticuz from "@sparticuz/chromium";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** An iPhone-sized screen (CSS pixels) and a laptop's. */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 } as const;

export type Viewport = typeof PHONE_VIEWPORT | typeof DESKTOP_VIEWPORT;

/**
 * Flags of @sparticuz/chromium's serverless list that a test of browser security must not use:
 * they switch off the same-origin policy and mixed-content blocking, or run every tab in one
 * process (which also takes the browser down when a context closes).
 */
const UNSAFE_FLAGS: ReadonlySet<string> = new Set(["--disable-web-security", "--allow-running-insecure-content", "--disable-site-isolation-trials", "--single-process", "--no-zygote"]);

/** Launches the Chromium that ships inside @sparticuz/chromium (unpacked to the temp folder on first use). */
export async function launchBrowser(): Promise<Browser> {
  const args = sparticuz.args.filter((flag) => !UNSAFE_FLAGS.has(flag) && !flag.includes("site-per-process"));
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args, headless: true });
}

/** Something a page did that fails the test, in words a reader can act on. */
export interface PageProblem {
  readonly kind: "csp-violation" | "console-error" | "page-error" | "third-party-request";
  readonly detail: string;
}

export interface GuardedBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Everything recorded so far, oldest first. */
  readonly problems: readonly PageProblem[];
  /** Throws if anything was recorded since the context opened. */
  assertNoProblems(): void;
  /** Opens another tab in the same context (same cookies), guarded the same way. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface GuardOptions {
  /** Origins the pages may load from, post to or be redirected to: the issuer's and the app's. */
  readonly allowedOrigins: readonly string[];
  readonly viewport: Viewport;
  /** Headers sent with every request of the context. */
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** The browser's User-Agent, to tell two contexts apart in a list of devices. */
  readonly userAgent?: string;
}

const CSP_BINDING = "__portcullisReportCspViolation";

/**
 * A fresh browser context whose pages report CSP violations (through an init script that
 * listens for `securitypolicyviolation` before any page script runs), console errors, uncaught
 * exceptions, and any request to an origin outside `allowedOrigins` (refused, and recorded).
 */
export async function openGuardedContext(browser: Browser, options: GuardOptions): Promise<GuardedBrowser> {
  const allowed = new Set(options.allowedOrigins.map((origin) => new URL(origin).origin));
  const problems: PageProblem[] = [];
  const record = (problem: PageProblem) => problems.push(problem);
  const context = await browser.newContext({ viewport: options.viewport, isMobile: options.viewport === PHONE_VIEWPORT, hasTouch: options.viewport === PHONE_VIEWPORT, extraHTTPHeaders: options.extraHeaders, userAgent: options.userAgent });

  await context.exposeBinding(CSP_BINDING, (_source, violation: unknown) => {
    record({ kind: "csp-violation", detail: JSON.stringify(violation) });
  });
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (event) => {
    window.${CSP_BINDING}({ page: location.href, directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
  });`);
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (allowed.has(new URL(url).origin)) return route.fallback();
    record({ kind: "third-party-request", detail: url });
    return route.abort("blockedbyclient");
  });

  const guard = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() !== "error" || isDocumentStatus(message.text(), message.location().url, page)) return;
      record({ kind: "console-error", detail: `${message.text()} (${message.location().url})` });
    });
    page.on("pageerror", (error) => record({ kind: "page-error", detail: error.message }));
  };
  context.on("page", guard);
  const page = await context.newPage();

  return {
    context,
    page,
    problems,
    assertNoProblems() {
      if (problems.length > 0) throw new Error(`The page did something it must not:\n${problems.map((p) => `  ${p.kind}: ${p.detail}`).join("\n")}`);
    },
    newPage: () => context.newPage(),
    close: () => context.close(),
  };
}

/**
 * Chromium logs a page's own 4xx status (a refused form answered with its error page) as a
 * console error about the document. That is the page doing its job, and the flows assert the
 * page it shows; a failed subresource (a script, image or fetch) is still a problem.
 */
function isDocumentStatus(text: string, url: string, page: Page): boolean {
  return text.startsWith("Failed to load resource: the server responded with a status of 4") && url === page.url();
}
