import type { ServerResponse } from "node:http";
import { escapeHtml } from "./oidc-issuer";
import type { TestUser } from "./test-users";

/** What the person at the login page chose. */
export type LoginChoice = { readonly kind: "user"; readonly user: TestUser } | { readonly kind: "cancel" } | { readonly kind: "unknown_user" };

/**
 * The login page every stand-in shows: a plain form (no script), so a test can post it with
 * fetch. Continue signs in the named user; Cancel answers `access_denied` to the client.
 */
export function sendLoginPage(response: ServerResponse, action: string, providerName: string, users: ReadonlyMap<string, TestUser>, message?: string): void {
  const options = [...users.values()]
    .map((user) => `<option value="${escapeHtml(user.login)}">${escapeHtml(user.name)} &lt;${escapeHtml(user.email)}&gt;${user.emailVerified ? "" : " (email not verified)"}</option>`)
    .join("");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to ${escapeHtml(providerName)} (local)</title></head>
<body><main>
<h1>Sign in to ${escapeHtml(providerName)}</h1>
<p>Local stand-in: no password, pick a test user.</p>
${message ? `<p role="alert">${escapeHtml(message)}</p>` : ""}
<form method="post" action="${escapeHtml(action)}">
<label for="login">Test user</label>
<select id="login" name="login">${options}</select>
<button type="submit" name="action" value="continue">Continue</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
</main></body></html>`;
  response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end(html);
}

/** The answer to a login form whose sign-in is unknown, expired or already completed. */
export function sendExpiredSignIn(response: ServerResponse): void {
  response.writeHead(400, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end("<!doctype html><title>Error</title><h1>This sign-in has expired or was already used.</h1>");
}

/** Reads the posted form (`login`, `action`). */
export function readLoginForm(body: string, users: ReadonlyMap<string, TestUser>): LoginChoice {
  const form = new URLSearchParams(body);
  if (form.get("action") === "cancel") return { kind: "cancel" };
  return chooseUser(form.get("login"), users);
}

export function chooseUser(login: string | null, users: ReadonlyMap<string, TestUser>): LoginChoice {
  const user = login === null ? undefined : users.get(login.trim().toLowerCase());
  return user ? { kind: "user", user } : { kind: "unknown_user" };
}
