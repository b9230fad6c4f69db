import { expect, inject } from "vitest";

/** What the sandbox's email inbox lists for each accepted message (`GET /emails?to=`). */
export interface SandboxEmail {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly provider: "resend" | "postmark" | "ses";
  readonly received_at: string;
}

export type EmailFaultTarget = "resend" | "postmark" | "ses" | "range";
export type EmailFaultMode = "none" | "error_5xx" | "timeout" | "reject_address";

/** A new address per call, so tests (and files running side by side) never read each other's mail or faults. */
export function freshEmail(): string {
  return `user-${crypto.randomUUID()}@example.org`;
}

/** Newest first. */
export async function emailInbox(address: string): Promise<SandboxEmail[]> {
  const response = await fetch(`${inject("smsSandboxUrl")}/emails?to=${encodeURIComponent(address)}`);
  expect(response.status).toBe(200);
  return (await response.json<{ emails: SandboxEmail[] }>()).emails;
}

/** Sets a fault for `addresses` only (every request to `range`, which has no recipient). */
export async function setEmailFault(target: EmailFaultTarget, mode: EmailFaultMode, addresses?: readonly string[]): Promise<void> {
  const response = await fetch(`${inject("smsSandboxUrl")}/__sandbox/email-faults/${target}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(addresses ? { mode, addresses } : { mode }),
  });
  expect(response.status).toBe(200);
}
