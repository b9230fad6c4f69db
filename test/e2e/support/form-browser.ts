/**
 * A small browser for the hosted pages, from Node: a cookie jar, one client address, forms
 * submitted with their hidden fields (the `csrf` token among them) and the `Origin` a browser
 * sends, and redirects followed one by one so a test can stop where the app would take over.
 * It runs no script and applies no CSP: the Chromium suite covers what only a browser does.
 */
import { freshIp } from "../../support/test-identities";

export interface Visit {
  readonly url: URL;
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
  /** The `Location` of a redirect, resolved against `url`; null otherwise. */
  readonly location: URL | null;
}

export interface FormChoice {
  /** The form whose hidden `step` field has this value; without it, the first form on the page. */
  readonly step?: string;
  /** The form whose `action` is this (a social sign-in button's form); wins over `step`. */
  readonly action?: string;
  /** The fields a person fills in (or a submit button's name and value); they win over the form's own. */
  readonly fields?: Readonly<Record<string, string>>;
  /** The `Origin` header of a POST; the page's own origin unless a test forges another. */
  readonly origin?: string;
}

interface StoredCookie {
  readonly value: string;
  readonly path: string;
  readonly secure: boolean;
}

/** A hop limit for `follow`, far above any real sign-in's chain of redirects. */
const MAX_REDIRECTS = 20;

export class FormBrowser {
  /** Cookies per host name, as browsers keep them (a port does not separate cookies). */
  readonly #jar = new Map<string, Map<string, StoredCookie>>();
  /** The client address the issuer sees (`CF-Connecting-IP`), fresh per browser so per-IP limits stay per test. */
  readonly ip = freshIp();

  /** One request, no redirect followed. */
  async request(url: string | URL, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}): Promise<Visit> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    headers.set("CF-Connecting-IP", this.ip);
    const cookie = this.cookieHeader(target);
    if (cookie !== "") headers.set("Cookie", cookie);
    if (init.body !== undefined) headers.set("Content-Type", "application/x-www-form-urlencoded");
    const response = await fetch(target, { method: init.method ?? "GET", headers, body: init.body?.toString(), redirect: "manual" });
    for (const header of response.headers.getSetCookie()) this.#store(target, header);
    const location = response.headers.get("Location");
    return { url: target, status: response.status, headers: response.headers, html: await response.text(), location: location === null ? null : new URL(location, target) };
  }

  /** GETs `url` and follows redirects until a page answers, or until the next hop is one `stopAt` claims (an app's callback). */
  async follow(url: string | URL, stopAt: (next: URL) => boolean = () => false): Promise<Visit> {
    return this.#followFrom(await this.request(url), stopAt);
  }

  /** Fills in and submits a form of `page` as a browser would, then follows redirects like `follow`. */
  async submit(page: Visit, choice: FormChoice = {}, stopAt: (next: URL) => boolean = () => false): Promise<Visit> {
    const form = pickForm(page.html, choice.step, choice.action);
    const action = new URL(form.action ?? page.url.href, page.url);
    const body = new URLSearchParams({ ...form.fields, ...choice.fields });
    if (form.method === "get") {
      action.search = body.toString();
      return this.follow(action, stopAt);
    }
    // A browser names the page's origin on a form POST; the issuer refuses a foreign one.
    const visit = await this.request(action, { method: "POST", body, headers: { Origin: choice.origin ?? page.url.origin } });
    return this.#followFrom(visit, stopAt);
  }

  /** The Cookie header this browser would send to `url`. */
  cookieHeader(url: URL): string {
    const cookies = this.#jar.get(url.hostname) ?? new Map<string, StoredCookie>();
    return [...cookies]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path) && (!cookie.secure || url.protocol === "https:"))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join("; ");
  }

  /** The names of the cookies kept for a host. */
  cookieNames(url: URL): string[] {
    return [...(this.#jar.get(url.hostname)?.keys() ?? [])];
  }

  async #followFrom(first: Visit, stopAt: (next: URL) => boolean): Promise<Visit> {
    let visit = first;
    for (let hop = 0; visit.location !== null && visit.status >= 300 && visit.status < 400; hop++) {
      if (hop === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${first.url.href}`);
      if (stopAt(visit.location)) return visit;
      visit = await this.request(visit.location);
    }
    return visit;
  }

  #store(url: URL, header: string): void {
    const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
    const at = pair.indexOf("=");
    if (at <= 0) return;
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    const attribute = (key: string) => attributes.find((part) => part.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const cookies = this.#jar.get(url.hostname) ?? new Map<string, StoredCookie>();
    this.#jar.set(url.hostname, cookies);
    const maxAge = attribute("max-age");
    const expires = attribute("expires");
    if (value === "" || (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now())) {
      cookies.delete(name);
      return;
    }
    cookies.set(name, { value, path: attribute("path") ?? "/", secure: attributes.some((part) => part.toLowerCase() === "secure") });
  }
}

interface ParsedForm {
  readonly method: "get" | "post";
  readonly action: string | null;
  readonly fields: Record<string, string>;
}

/** The form a person would use: its method, action and the values it already holds (hidden and prefilled inputs). */
function pickForm(html: string, step: string | undefined, action: string | undefined): ParsedForm {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, tag = "", inner = ""]) => parseForm(tag, inner));
  const form = action !== undefined ? forms.find((candidate) => candidate.action === action) : step === undefined ? forms[0] : forms.find((candidate) => candidate.fields.step === step);
  if (form === undefined) throw new Error(action !== undefined ? `no form posting to ${action} on the page` : step === undefined ? "no form on the page" : `no form for step ${step} on the page`);
  return form;
}

function parseForm(tag: string, inner: string): ParsedForm {
  const fields: Record<string, string> = {};
  for (const [input = ""] of inner.matchAll(/<input\b[^>]*>/g)) {
    const name = attributeOf(input, "name");
    const type = attributeOf(input, "type") ?? "text";
    if (name === undefined || type === "submit" || type === "checkbox" || type === "radio") continue;
    const value = attributeOf(input, "value");
    if (value !== undefined) fields[name] = value;
  }
  const method = attributeOf(tag, "method")?.toLowerCase() === "post" ? "post" : "get";
  return { method, action: attributeOf(tag, "action") ?? null, fields };
}

function attributeOf(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#(\d{1,7});/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
