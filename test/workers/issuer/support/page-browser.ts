import { freshIp, issuerFetch } from "./issuer-client";

/** A browser, as far as the issuer can tell: a cookie jar, one client address, form posts. */
export class PageBrowser {
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];
  readonly ip = freshIp();

  async get(path: string): Promise<Page> {
    return this.#send(path, { method: "GET" });
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.#send(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
  }

  async #send(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    headers.set("CF-Connecting-IP", this.ip);
    if (this.cookies.size > 0) headers.set("Cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    // A browser follows redirects itself; the test looks at each one.
    const response = await issuerFetch(path, { ...init, headers, redirect: "manual" });
    for (const header of response.headers.getSetCookie()) {
      this.setCookieHeaders.push(header);
      const [pair = ""] = header.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "" || /max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { response, html: await response.text() };
  }
}

export interface Page {
  readonly response: Response;
  readonly html: string;
}

/** The hidden and prefilled fields of the form whose `step` field is `step`: what the browser would send. */
export function formFields(html: string, step: string): Record<string, string> {
  for (const form of html.match(/<form[\s\S]*?<\/form>/g) ?? []) {
    const fields: Record<string, string> = {};
    for (const input of form.match(/<input[^>]*>/g) ?? []) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1];
      if (name !== undefined && /type="hidden"/.test(input)) fields[name] = decodeEntities(value ?? "");
    }
    if (fields.step === step) return fields;
  }
  throw new Error(`no form for step ${step} on the page`);
}

function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
