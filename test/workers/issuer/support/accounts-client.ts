/**
 * Drives the email and password routes the way a client does, with mails read
 * from the sandbox's inbox.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { sessions } from "../../../../drizzle/schema";
import { createDatabase } from "../../../../shared/adapters/neon/database";
import { linkTokenHash } from "../../../../shared/crypto/link-token";
import type { EmailTokenRecord } from "../../../../shared/ports/email-token-store";
import { issuerDeps } from "../../../../workers/issuer/deps";
import { emailInbox, freshEmail, type SandboxEmail } from "./email-sandbox";
import { decodeJwtPart, freshIp, issuerFetch, jsonRequest, withBearer, type TenantCredentials } from "./issuer-client";

export { emailInbox, freshEmail };

/** Not on the bundled list nor in the sandbox's range API. */
export function strongPassword(): string {
  return `pw ${crypto.randomUUID()}`;
}

export interface SessionBody {
  readonly token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly user_id: string;
  readonly is_new_user: boolean;
}

function post(path: string, apiKey: string, body: unknown, ip = freshIp()): Promise<Response> {
  return issuerFetch(path, jsonRequest("POST", body, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

export function signup(apiKey: string, email: string, password: string, ip?: string): Promise<Response> {
  return post("/api/auth/signup", apiKey, { email, password }, ip);
}

export function login(apiKey: string, email: string, password: string, ip?: string): Promise<Response> {
  return post("/api/auth/login", apiKey, { email, password }, ip);
}

export function forgot(apiKey: string, email: string, ip?: string): Promise<Response> {
  return post("/api/auth/password/forgot", apiKey, { email }, ip);
}

export function reset(apiKey: string, token: string, password: string, ip?: string): Promise<Response> {
  return post("/api/auth/password/reset", apiKey, { token, password }, ip);
}

export function changePassword(accessToken: string, body: unknown): Promise<Response> {
  return issuerFetch("/api/auth/password", withBearer(accessToken, jsonRequest("POST", body)));
}

/** Every link token in a mail, in the order the mail shows them. */
export function linkTokens(email: SandboxEmail | undefined): string[] {
  return [...(email?.text ?? "").matchAll(/\/(?:auth\/link|reset-password|verify-email)\?token=([A-Za-z0-9_-]{43})/g)].map((match) => match[1] ?? "");
}

/** The code in a mail with a code (an indented line of digits). */
export function mailCode(email: SandboxEmail | undefined): string | null {
  return /^ {4}(\d{4,10})$/m.exec(email?.text ?? "")?.[1] ?? null;
}

/** The newest mail to `address` whose subject matches, waiting for it when it is sent after the answer. */
export async function awaitMail(address: string, subject: RegExp, count = 1): Promise<SandboxEmail[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const matching = (await emailInbox(address)).filter((email) => subject.test(email.subject));
    if (matching.length >= count) return matching;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail matching ${subject} reached the sandbox inbox`);
}

/** What the issuer stored for a link token in a mail (read through its own store). */
export async function storedLink(token: string): Promise<EmailTokenRecord | null> {
  return issuerDeps(env).emailTokens.find(await linkTokenHash(token), new Date());
}

/**
 * Verifies the address the way the email verification route does with a mailed link:
 * the link's token spent for `verify_email` in its tenant, then the address marked
 * verified on the user it names. (That route is its own part of the issuer.)
 */
export async function verifyByMailedLink(tenant: TenantCredentials, address: string): Promise<string> {
  const [mail] = await awaitMail(address, /Confirm your email address/);
  const [token] = linkTokens(mail);
  const deps = issuerDeps(env);
  const spent = await deps.emailTokens.consume(await linkTokenHash(token ?? ""), new Date(), { purposes: ["verify_email"], tenantId: tenant.tenant_id });
  expect(spent?.userId).toEqual(expect.stringMatching(/^usr_/));
  const verified = await deps.accounts.markEmailVerified(spent?.userId ?? "", spent?.email ?? "");
  expect(verified?.emailVerified).toBe(true);
  return spent?.userId ?? "";
}

/** Sign-up (verification on), verification, and a first login: a password user with a session. */
export async function passwordUser(tenant: TenantCredentials, address = freshEmail(), password = strongPassword()): Promise<SessionBody & { email: string; password: string }> {
  expect((await signup(tenant.api_key, address, password)).status).toBe(202);
  await verifyByMailedLink(tenant, address);
  const response = await login(tenant.api_key, address, password);
  expect(response.status, await response.clone().text()).toBe(200);
  return { ...(await response.json<SessionBody>()), email: address, password };
}

/** How the session of an access token was earned, as stored with the session (RFC 8176 values). */
export async function sessionAmr(accessToken: string): Promise<unknown> {
  const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });
  const [row] = await db.select({ amr: sessions.amr }).from(sessions).where(eq(sessions.id, String(decodeJwtPart(accessToken, 1).sid))).limit(1);
  return row?.amr;
}
