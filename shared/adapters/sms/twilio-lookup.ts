import type { CarrierLookup } from "../../ports/carrier-lookup";
import { describeFetchError } from "./timeout";

/** Lookups must not hold up a sign-in for long; a slow lookup counts as a failed one. */
export const LOOKUP_TIMEOUT_MS = 3_000;

export interface TwilioLookupConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** `https://lookups.twilio.com` in production; the SMS sandbox locally. */
  readonly lookupBase: string;
}

/** Twilio Lookup v2 with line type intelligence. */
export function twilioLookup(config: TwilioLookupConfig): CarrierLookup {
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
  return {
    async lookup(e164) {
      let response: Response;
      try {
        response = await fetch(`${config.lookupBase}/v2/PhoneNumbers/${encodeURIComponent(e164)}?Fields=line_type_intelligence`, {
          headers: { Authorization: authorization, Accept: "application/json" },
          signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
        });
      } catch (error) {
        return { ok: false, error: describeFetchError(error) };
      }
      if (!response.ok) return { ok: false, error: `http_${response.status}` };
      try {
        const body = await response.json<{ line_type_intelligence?: { type?: unknown } | null }>();
        const type = body.line_type_intelligence?.type;
        return { ok: true, lineType: typeof type === "string" ? type : null };
      } catch {
        return { ok: false, error: "malformed_reply" };
      }
    },
  };
}

/** Caches answers per number (keyed by its HMAC, never the number) for `ttlSeconds`. */
export function cachedCarrierLookup(inner: CarrierLookup, cache: KVNamespace, ttlSeconds: number): CarrierLookup {
  return {
    async lookup(e164, phoneKey) {
      const key = `carrier:v1:${phoneKey}`;
      const cached = await cache.get<{ lineType: string | null }>(key, "json").catch(() => null);
      if (cached) return { ok: true, lineType: cached.lineType };
      const result = await inner.lookup(e164, phoneKey);
      if (result.ok) await cache.put(key, JSON.stringify({ lineType: result.lineType }), { expirationTtl: ttlSeconds }).catch(() => undefined);
      return result;
    },
  };
}
