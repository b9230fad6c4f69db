import type { TurnstileVerifier } from "../../ports/turnstile-verifier";

/** Cloudflare's endpoint; the SMS sandbox emulates it locally. */
export const TURNSTILE_SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
const TIMEOUT_MS = 5_000;

export function turnstileSiteverify(endpoint: string): TurnstileVerifier {
  return {
    async verify({ secret, token, remoteIp }) {
      const body = new URLSearchParams({ secret, response: token, idempotency_key: crypto.randomUUID() });
      if (remoteIp) body.set("remoteip", remoteIp);
      let payload: unknown;
      try {
        const response = await fetch(endpoint, { method: "POST", body, signal: AbortSignal.timeout(TIMEOUT_MS) });
        if (!response.ok) return { kind: "unavailable" };
        payload = await response.json();
      } catch {
        return { kind: "unavailable" };
      }
      if (typeof payload !== "object" || payload === null) return { kind: "unavailable" };
      const { success, "error-codes": errorCodes, hostname, action } = payload as { success?: unknown; "error-codes"?: unknown; hostname?: unknown; action?: unknown };
      if (success === true) return { kind: "passed", hostname: typeof hostname === "string" ? hostname : null, action: typeof action === "string" ? action : null };
      const codes = Array.isArray(errorCodes) ? errorCodes.filter((code): code is string => typeof code === "string").slice(0, 5) : [];
      // A bad secret is our configuration problem, not the user's: say so instead of blaming the token.
      return codes.includes("invalid-input-secret") || codes.includes("missing-input-secret") ? { kind: "unavailable" } : { kind: "failed", errorCodes: codes };
    },
  };
}
