import type { TurnstileAnswer } from "../domain/turnstile-answer";

export type TurnstileOutcome = ({ readonly kind: "passed" } & TurnstileAnswer) | { readonly kind: "failed"; readonly errorCodes: readonly string[] } | { readonly kind: "unavailable" };

/** Cloudflare Turnstile's siteverify, with the tenant's secret. */
export interface TurnstileVerifier {
  verify(input: { secret: string; token: string; remoteIp: string | null }): Promise<TurnstileOutcome>;
}
