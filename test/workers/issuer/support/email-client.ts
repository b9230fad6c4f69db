/**
 * Email codes and links the way a client and a browser use them: over HTTP through the
 * worker, with codes and links read from the sandbox's email inbox.
 */
import { expect } from "vitest";
import { emailInbox, type SandboxEmail } from "./email-sandbox";
import { freshIp, issuerFetch, jsonRequest, type TenantCredentials } from "./issuer-client";
import { formFields, PageBrowser, type Page } from "./page-browser";

/** The body of `202` from `POST /api/auth/email/request`. */
export interface EmailSignInFields {
  readonly request_id: string;
  readonly expires_in: number;
}

export function requestEmail(apiKey: string, email: string, ip = freshIp()): Promise<Response> {
  return issuerFetch("/api/auth/email/request", jsonRequest("POST", { email }, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

export function verifyEmailCode(apiKey: string, email: string, code: string, ip = freshIp()): Promise<Response> {
  return issuerFetch("/api/auth/email/verify", jsonRequest("POST", { email, code }, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

export function verifyEmailToken(apiKey: string, token: string, ip = freshIp()): Promise<Response> {
  return issuerFetch("/api/auth/email/verify", jsonRequest("POST", { token }, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

/** The newest email to `address`; fails when there is none. */
export async function newestEmail(address: string): Promise<SandboxEmail> {
  const [newest] = await emailInbox(address);
  if (!newest) throw new Error("no email in the sandbox inbox for this address");
  return newest;
}

/** The one-time code of an email: the indented line of digits in its text part. */
export function codeIn(email: SandboxEmail): string {
  const match = /^ {4}([0-9]{4,10})$/m.exec(email.text);
  if (!match?.[1]) throw new Error("no code in the email");
  return match[1];
}

/** The token of the issuer link in an email. */
export function linkTokenIn(email: SandboxEmail): string {
  const match = /\/(?:auth\/link|reset-password|verify-email)\?token=([A-Za-z0-9_-]{43})/.exec(email.text);
  if (!match?.[1]) throw new Error("no link in the email");
  return match[1];
}

export async function requestedEmail(tenant: TenantCredentials, address: string): Promise<{ code: string; token: string; requestId: string }> {
  const response = await requestEmail(tenant.api_key, address);
  expect(response.status, await response.clone().text()).toBe(202);
  const { request_id } = await response.json<{ request_id: string }>();
  const email = await newestEmail(address);
  return { code: codeIn(email), token: linkTokenIn(email), requestId: request_id };
}

export interface EmailSignedIn {
  readonly token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly user_id: string;
  readonly is_new_user: boolean;
}

/** request → read the email → verify the code: a signed-in user of `tenant` with this address. */
export async function signInByEmail(tenant: TenantCredentials, address: string): Promise<EmailSignedIn> {
  const { code } = await requestedEmail(tenant, address);
  const verified = await verifyEmailCode(tenant.api_key, address, code);
  expect(verified.status, await verified.clone().text()).toBe(200);
  return await verified.json<EmailSignedIn>();
}

/**
 * A person opening an emailed link in a browser and pressing its button: `/auth/link` (or the
 * page it sends the link on to), then the page's own form with its CSRF token. The POST's answer.
 */
export async function useEmailedLink(token: string): Promise<Page> {
  const browser = new PageBrowser();
  let page = await browser.get(`/auth/link?token=${encodeURIComponent(token)}`);
  const onward = page.response.headers.get("Location");
  if (page.response.status === 303 && onward !== null) page = await browser.get(onward);
  expect(page.response.status, page.html).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1] ?? "";
  const step = /<input type="hidden" name="step" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
  return browser.post(action, formFields(page.html, step));
}
