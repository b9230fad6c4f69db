import type { DependencyProbe } from "../../ports/dependency-probe";
import { timedProbe } from "../timed-probe";

export interface TwilioProbeConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** `https://api.twilio.com` in production; the SMS sandbox locally. */
  readonly apiBase: string;
}

/**
 * Twilio answers: Twilio's account fetch, which costs nothing and needs the same credentials
 * as a send. Up only for an `active` account (a suspended or closed one cannot send).
 */
export function twilioProbe(config: TwilioProbeConfig): DependencyProbe {
  const url = `${config.apiBase}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}.json`;
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
  return timedProbe(async (signal) => {
    const response = await fetch(url, { headers: { Authorization: authorization, Accept: "application/json" }, signal });
    if (!response.ok) {
      await response.body?.cancel();
      return false;
    }
    const account: unknown = await response.json();
    return typeof account === "object" && account !== null && (account as { status?: unknown }).status === "active";
  });
}
