/**
 * Just enough of a browser for the stand-ins: follows redirects by hand, keeps cookies (one host),
 * and stops at the first URL under `stopAt` (the relying party's callback, nobody listens there).
 */
export class CookieBrowser {
  readonly #cookies = new Map<string, string>();

  async request(url: string, init: { method?: string; body?: string; contentType?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (init.contentType) headers["content-type"] = init.contentType;
    const response = await fetch(url, { method: init.method ?? "GET", body: init.body, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `url`; returns the callback URL reached, or the last non-redirect response. */
  async follow(url: string, stopAt: string, init: { method?: string; body?: string; contentType?: string } = {}): Promise<{ callback: URL } | { page: Response }> {
    let next = url;
    let options = init;
    for (let hop = 0; hop < 20; hop++) {
      if (next.startsWith(stopAt)) return { callback: new URL(next) };
      const response = await this.request(next, options);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return { page: response };
      next = new URL(location, next).toString();
      options = {};
    }
    throw new Error("too many redirects");
  }
}

/** The login form's action URL. */
export function formAction(html: string, base: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("no login form on the page");
  return new URL(match[1].replace(/&#38;/g, "&"), base).toString();
}
