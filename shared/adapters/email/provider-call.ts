import type { Logger } from "../../logging/logger";
import { describeFetchError } from "../sms/timeout";

/**
 * A provider that has not answered in this long is treated as down, and the next one is tried.
 * The timeout cannot tell whether the request reached the provider, so a late acceptance may
 * mean the address gets the same message twice (docs/email.md, "Ambiguous timeouts").
 */
export const EMAIL_PROVIDER_TIMEOUT_MS = 5_000;

/** Stands in for a message id when a provider answered 2xx without a readable one: the message was still taken. */
export const UNREADABLE_MESSAGE_ID = "unknown";

export type ProviderReply =
  | { readonly answered: false; readonly error: string }
  | { readonly answered: true; readonly status: number; readonly headers: Headers; readonly body: Readonly<Record<string, unknown>> | null };

/** One request with the provider timeout; a thrown fetch becomes `answered: false`, a body that is not a JSON object `body: null`. */
export async function callProvider(request: Request): Promise<ProviderReply> {
  let response: Response;
  try {
    response = await fetch(request, { signal: AbortSignal.timeout(EMAIL_PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    return { answered: false, error: describeFetchError(error) };
  }
  return { answered: true, status: response.status, headers: response.headers, body: await readJsonObject(response) };
}

async function readJsonObject(response: Response): Promise<Readonly<Record<string, unknown>> | null> {
  try {
    const value: unknown = JSON.parse(await response.text());
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function stringField(body: Readonly<Record<string, unknown>> | null, name: string): string | null {
  const value = body?.[name];
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * A provider's id or error name goes into logs, audit rows and the attempt list, so only a short
 * token of visible ASCII is kept; anything else (an address echoed back, a huge string) is `null`.
 */
export function tokenField(body: Readonly<Record<string, unknown>> | null, name: string): string | null {
  const value = stringField(body, name);
  return value !== null && /^[\x21-\x7e]{1,128}$/.test(value) ? value : null;
}

/**
 * Credentials or sender identity refused: another provider may still deliver, but every message
 * through this one will fail until someone fixes its configuration, so it is logged as an error.
 */
export function reportMisconfiguration(logger: Logger | undefined, provider: string, error: string): void {
  logger?.error("email_provider_misconfigured", { provider, error });
}
