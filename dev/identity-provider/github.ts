import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { readBodyOrRefuse } from "../sms/request-body";
import { sendJson } from "../support/http-server";
import { AuthorizationCodes, secretMatches, verifierMatches } from "./authorization-codes";
import { chooseUser, readLoginForm, sendExpiredSignIn, sendLoginPage, type LoginChoice } from "./login-page";
import { DENY_LOGIN_HINT, type TestUser } from "./test-users";

export interface GitHubClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

/**
 * GitHub's OAuth web flow (docs.github.com "Authorizing OAuth apps") under `base`, and the two
 * REST endpoints a sign-in needs (`GET /user`, `GET /user/emails`) under `apiBase`.
 */
export class GitHubStandIn {
  readonly #clients = new Map<string, GitHubClient>();
  readonly #codes = new AuthorizationCodes();
  readonly #tokens = new Map<string, string>();
  readonly #users: ReadonlyMap<string, TestUser>;

  constructor(users: ReadonlyMap<string, TestUser>) {
    this.#users = users;
  }

  registerClient(client: GitHubClient): void {
    this.#clients.set(client.clientId, client);
  }

  hasClient(clientId: string): boolean {
    return this.#clients.has(clientId);
  }

  /** `path` is relative to the GitHub base (e.g. `/login/oauth/authorize`). */
  async handleWeb(request: IncomingMessage, response: ServerResponse, url: URL, path: string, base: string): Promise<void> {
    if (path === "/login/oauth/authorize" && request.method === "GET") return this.#authorize(response, url, base);
    if (path.startsWith("/login/oauth/interaction/") && request.method === "POST") {
      const body = await readBodyOrRefuse(request, response);
      if (body === null) return;
      return this.#finish(response, path.slice("/login/oauth/interaction/".length), readLoginForm(body.toString("utf8"), this.#users), base);
    }
    if (path === "/login/oauth/access_token" && request.method === "POST") return this.#accessToken(request, response);
    sendJson(response, 404, { message: "Not Found" });
  }

  #authorize(response: ServerResponse, url: URL, base: string): void {
    const clientId = url.searchParams.get("client_id") ?? "";
    const client = this.#clients.get(clientId);
    const redirectUri = url.searchParams.get("redirect_uri") ?? client?.redirectUris[0] ?? "";
    if (!client || !client.redirectUris.includes(redirectUri)) {
      // GitHub shows an error page rather than redirecting to an unregistered URI.
      response.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      response.end("<!doctype html><title>Error</title><h1>The redirect_uri is not associated with this application.</h1>");
      return;
    }
    const challenge = url.searchParams.get("code_challenge");
    const method = url.searchParams.get("code_challenge_method");
    if (challenge !== null && method !== "S256") {
      redirect(response, redirectUri, { error: "invalid_request", error_description: "code_challenge_method must be S256", state: url.searchParams.get("state") });
      return;
    }
    const id = this.#codes.begin({ clientId, redirectUri, state: url.searchParams.get("state"), scope: url.searchParams.get("scope") ?? "", nonce: null, codeChallenge: challenge });
    const hint = url.searchParams.get("login") ?? url.searchParams.get("login_hint");
    if (hint) {
      const choice: LoginChoice = hint === DENY_LOGIN_HINT ? { kind: "cancel" } : chooseUser(hint, this.#users);
      if (choice.kind !== "unknown_user") return this.#finish(response, id, choice, base);
    }
    sendLoginPage(response, `${base}/login/oauth/interaction/${id}`, "GitHub", this.#users);
  }

  #finish(response: ServerResponse, id: string, choice: LoginChoice, base: string): void {
    if (choice.kind === "unknown_user") {
      sendLoginPage(response, `${base}/login/oauth/interaction/${id}`, "GitHub", this.#users, "No such test user.");
      return;
    }
    const pending = this.#codes.takePending(id);
    if (!pending) {
      sendExpiredSignIn(response);
      return;
    }
    if (choice.kind === "cancel") {
      redirect(response, pending.redirectUri, { error: "access_denied", error_description: "The user has denied your application access.", state: pending.state });
      return;
    }
    redirect(response, pending.redirectUri, { code: this.#codes.issue(pending, choice.user), state: pending.state });
  }

  async #accessToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    const params = readParams(request, body.toString("utf8"));
    const json = (request.headers.accept ?? "").includes("application/json");
    const answer = (fields: Record<string, string>) => sendTokenAnswer(response, fields, json);
    const basic = basicCredentials(request);
    const clientId = params.get("client_id") ?? basic?.id ?? "";
    const clientSecret = params.get("client_secret") ?? basic?.secret ?? "";
    const client = this.#clients.get(clientId);
    if (!client || !secretMatches(client.clientSecret, clientSecret)) {
      answer({ error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect." });
      return;
    }
    const issued = this.#codes.redeem(params.get("code") ?? "");
    const redirectUri = params.get("redirect_uri");
    const verifier = params.get("code_verifier");
    const pkceOk = issued?.codeChallenge == null ? verifier === null : verifier !== null && verifierMatches(issued.codeChallenge, verifier);
    if (!issued || issued.clientId !== clientId || (redirectUri !== null && redirectUri !== issued.redirectUri) || !pkceOk) {
      answer({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
      return;
    }
    const token = `gho_${randomBytes(18).toString("base64url")}`;
    this.#tokens.set(token, issued.user.login);
    answer({ access_token: token, token_type: "bearer", scope: issued.scope });
  }

  /** `path` is relative to the API base. */
  handleApi(request: IncomingMessage, response: ServerResponse, path: string): void {
    const auth = request.headers.authorization ?? "";
    const match = /^(?:Bearer|token) (\S+)$/i.exec(auth);
    const login = match?.[1] === undefined ? undefined : this.#tokens.get(match[1]);
    const user = login === undefined ? undefined : this.#users.get(login);
    if (!user) {
      sendJson(response, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
      return;
    }
    if (request.method === "GET" && path === "/user") {
      // A public email is shown only when verified, like a user who chose to make it public.
      sendJson(response, 200, { login: user.login.split("@")[0], id: user.githubId, node_id: `U_${user.githubId}`, type: "User", name: user.name, email: user.emailVerified ? user.email : null, avatar_url: null });
      return;
    }
    if (request.method === "GET" && path === "/user/emails") {
      sendJson(response, 200, [
        { email: user.email, primary: true, verified: user.emailVerified, visibility: "private" },
        { email: `${user.githubId}+${user.login.split("@")[0]}@users.noreply.github.com`, primary: false, verified: true, visibility: null },
      ]);
      return;
    }
    sendJson(response, 404, { message: "Not Found" });
  }
}

function redirect(response: ServerResponse, target: string, params: Record<string, string | null>): void {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  response.writeHead(302, { location: url.toString() });
  response.end();
}

function readParams(request: IncomingMessage, body: string): URLSearchParams {
  if ((request.headers["content-type"] ?? "").includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === "object" && parsed !== null) {
        return new URLSearchParams(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
      }
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(body);
}

export function basicCredentials(request: IncomingMessage): { id: string; secret: string } | null {
  const match = /^Basic (\S+)$/i.exec(request.headers.authorization ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/** GitHub answers 200 even for errors, form-encoded unless the client asks for JSON. */
function sendTokenAnswer(response: ServerResponse, fields: Record<string, string>, json: boolean): void {
  const body = json ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
  response.writeHead(200, { "content-type": json ? "application/json; charset=utf-8" : "application/x-www-form-urlencoded; charset=utf-8" });
  response.end(body);
}
