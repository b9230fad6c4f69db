import type { IncomingMessage, ServerResponse } from "node:http";
import { readBodyOrRefuse } from "../sms/request-body";
import { chooseUser, readLoginForm, sendLoginPage, type LoginChoice } from "./login-page";
import type { OidcIssuer } from "./oidc-issuer";
import { DENY_LOGIN_HINT, type TestUser } from "./test-users";

/**
 * The interaction (login) step of an oidc-provider issuer. `login_hint=<user>` on the authorization
 * request completes it with no page (local only); `login_hint=deny` answers access_denied.
 */
export async function handleOidcInteraction(issuer: OidcIssuer, providerName: string, users: ReadonlyMap<string, TestUser>, request: IncomingMessage, response: ServerResponse, action: string): Promise<void> {
  const { provider } = issuer;
  const details = await provider.interactionDetails(request, response).catch(() => null);
  if (details === null) {
    // oidc-provider finds the interaction through its cookie: a client that dropped it, or came late, lands here.
    response.writeHead(400, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>Error</title><h1>This sign-in has expired, or the browser did not keep its cookie.</h1>");
    return;
  }
  if (request.method === "POST") {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    await finish(issuer, providerName, users, request, response, action, readLoginForm(body.toString("utf8"), users));
    return;
  }
  const hint = details.params.login_hint;
  if (typeof hint === "string" && hint !== "") {
    const choice: LoginChoice = hint === DENY_LOGIN_HINT ? { kind: "cancel" } : chooseUser(hint, users);
    if (choice.kind !== "unknown_user") {
      await finish(issuer, providerName, users, request, response, action, choice);
      return;
    }
  }
  sendLoginPage(response, action, providerName, users);
}

async function finish(issuer: OidcIssuer, providerName: string, users: ReadonlyMap<string, TestUser>, request: IncomingMessage, response: ServerResponse, action: string, choice: LoginChoice): Promise<void> {
  switch (choice.kind) {
    case "cancel":
      await issuer.provider.interactionFinished(request, response, { error: "access_denied", error_description: "The user cancelled the sign-in." }, { mergeWithLastSubmission: false });
      return;
    case "unknown_user":
      sendLoginPage(response, action, providerName, users, "No such test user.");
      return;
    case "user":
      await issuer.provider.interactionFinished(request, response, { login: { accountId: choice.user.sub } }, { mergeWithLastSubmission: false });
      return;
  }
}
