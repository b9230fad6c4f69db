import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { canonicalPath } from "../../../shared/domain/canonical-path";
import { createTenant, signIn, type OriginEcho, type Session } from "./support/gate-stack";

/** A user with the role `user` only: every path under /admin must answer 403 or 400, never reach the origin. */
let session: Session;

beforeAll(async () => {
  session = await signIn(await createTenant());
});

function gateFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://gate.test${path}`, init));
}

function asUser(path: string): Promise<Response> {
  return gateFetch(path, { headers: { Authorization: `Bearer ${session.token}` } });
}

/** How a decoding origin (Node's decodeURIComponent, Go's URL.Path, a servlet's getServletPath) reads the path it received. */
function decodedByOrigin(path: string): string {
  return decodeURIComponent(path);
}

const ADMIN_PATH = /^\/admin(?:\/|$)/i;

describe("one canonical path, decided on and forwarded", () => {
  it.each([
    ["/%61dmin/x", "an escaped unreserved letter"],
    ["/adm%69n/users", "an escaped letter in the middle"],
    ["/ADM%49N/users", "escaped upper case"],
    ["/public/%2e%2e/admin/x", "an escaped dot segment"],
    ["/public/.%2E/admin/x", "a half-escaped dot segment"],
    ["/public/../admin/x", "a dot segment"],
    ["//admin//x", "empty segments"],
  ])("applies the admin rule to %s (%s)", async (path) => {
    const response = await asUser(path);
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/error="insufficient_scope"/);
  });

  it.each([
    ["/admin;x/secret", "a servlet path parameter"],
    ["/public/..;/admin/x", "a dot segment hidden by a path parameter"],
    ["/public/%2e%2e%3b/admin/x", "an escaped path parameter"],
    ["/%2561dmin/x", "a double-encoded letter"],
    ["/public%2f..%2fadmin/x", "encoded slashes"],
    ["/public/a%5c..%5cadmin", "encoded backslashes"],
    ["/public/%c0%ae%c0%ae/admin/x", "overlong UTF-8 dots"],
    ["/public/%c0%af..%c0%afadmin", "overlong UTF-8 slashes"],
    ["/public/%ef%bc%8f..%ef%bc%8fadmin", "fullwidth slashes an NFKC origin turns into /"],
    ["/public/%e2%80%a5/admin/x", "a two-dot leader an NFKC origin turns into .."],
    ["/public/x%00", "NUL"],
    ["/public/x%0d%0aSet-Cookie:a=b", "CR LF"],
    ["/public/x%zz", "a malformed escape"],
    ["/public/a%2ejson", "an encoded dot"],
    ["/admin.json", "a format suffix Rails routes to /admin"],
  ])("refuses %s (%s) with 400 invalid_request", async (path) => {
    const response = await asUser(path);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_request", field: "path" } });
  });

  it.each([
    ["/public/%7e%61b%63", "/public/~abc"],
    ["/public/caf%c3%a9", "/public/caf%C3%A9"],
    ["/public/caf\u00e9", "/public/caf%C3%A9"],
    ["/public//a//b/", "/public/a/b/"],
    ["/public/a/./b/../c", "/public/a/c"],
    ["/public/x/..", "/public/"],
    ["/public/a|b", "/public/a%7Cb"],
    ["/public/a+b%2bc", "/public/a+b%2Bc"],
    ["/public/it%21!", "/public/it%21!"],
    ["/public/users/a@b.example", "/public/users/a@b.example"],
  ])("forwards %s to the origin as %s", async (sent, received) => {
    const response = await gateFetch(sent);
    expect(response.status, await response.clone().text()).toBe(200);
    const echo = await response.json<OriginEcho>();
    expect(echo.path).toBe(received);
    expect(decodedByOrigin(echo.path)).toBe(decodeURIComponent(received));
  });

  it("forwards a protected path in its canonical spelling too", async () => {
    const response = await asUser("/api/%41b%63/x%7cy");
    expect(response.status).toBe(200);
    expect((await response.json<OriginEcho>()).path).toBe("/api/Abc/x%7Cy");
  });
});

const settings = inject("propertyRuns");

describe("spellings of a protected path", () => {
  const letter = (char: string) =>
    fc.constantFrom(char, char.toUpperCase(), `%${char.charCodeAt(0).toString(16)}`, `%${char.toUpperCase().charCodeAt(0).toString(16).toUpperCase()}`, `%25${char.charCodeAt(0).toString(16)}`);
  const admin = fc.tuple(...Array.from("admin", letter)).map((letters) => letters.join(""));
  const segment = fc.oneof(
    admin,
    fc.constantFrom("public", "x", "", ".", "..", "..;", "%2e%2e", ".%2E", "%2e", ";x", "%3b", "%2f", "%5c", "%c0%ae", "%c0%af", "%ef%bc%8f", "%00", "a+b", "%c4%b1"),
    fc.tuple(admin, fc.constantFrom(";x", "%3b", "%2f", "%00", "%20", ".", "%c0%af")).map(([word, suffix]) => `${word}${suffix}`),
  );
  const spelling = fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join("/")}`);

  it(
    "never forwards a path a decoding origin reads as under /admin to a token without the admin role",
    async () => {
      await fc.assert(
        fc.asyncProperty(spelling, async (path) => {
          const response = await asUser(path);
          expect([200, 400, 403]).toContain(response.status);
          if (response.status !== 200) return;
          const echo = await response.json<OriginEcho>();
          const read = decodedByOrigin(echo.path);
          expect(read).not.toMatch(ADMIN_PATH);
          expect(read.normalize("NFKC").toUpperCase().toLowerCase()).not.toMatch(ADMIN_PATH);
          const again = canonicalPath(echo.path);
          expect(again.ok && again.value.path).toBe(echo.path);
        }),
        {
          numRuns: Math.max(1, Math.round(150 * settings.scale)),
          ...(settings.seed === null ? {} : { seed: settings.seed }),
          ...(settings.path === null ? {} : { path: settings.path }),
        },
      );
    },
    180_000,
  );
});
