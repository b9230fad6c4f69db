/** People for e2e tests, signed up through the issuer's JSON routes as an app would do it. */
import { freshIp } from "../../support/test-identities";
import type { E2eTenant } from "./admin-api";
import { e2eStack } from "./e2e-context";
import { nextEmailCode } from "./inboxes";

export interface PasswordUser {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
}

/** A fresh address no other test uses, at a reserved domain. */
export function freshEmail(label = "ada"): string {
  return `${label}-${crypto.randomUUID().slice(0, 12)}@example.com`;
}

/**
 * Signs up with email and password and confirms the address with the code from the email
 * inbox (for a tenant with `email_verification_required`, the default), then logs in once to
 * learn the user id.
 */
export async function verifiedPasswordUser(tenant: E2eTenant, email = freshEmail(), password = "tidy otter lantern 42"): Promise<PasswordUser> {
  // One client address per user, so the per-IP limits of one test never refuse another's sign-ups.
  const ip = freshIp();
  const signup = await authPost(tenant, ip, "/api/auth/signup", { email, password });
  if (signup.status !== 202) throw new Error(`signup answered ${signup.status}: ${JSON.stringify(signup.body)}`);
  const code = await nextEmailCode(email);
  const verify = await authPost(tenant, ip, "/api/auth/email/verify", { email, code });
  if (verify.status !== 200) throw new Error(`email verification answered ${verify.status}: ${JSON.stringify(verify.body)}`);
  const login = await authPost(tenant, ip, "/api/auth/login", { email, password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return { email, password, userId: (login.body as { user_id: string }).user_id };
}

async function authPost(tenant: E2eTenant, ip: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, e2eStack().issuerUrl), {
    method: "POST",
    headers: { "x-api-key": tenant.apiKey, "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}
