/**
 * `wrangler dev` does not fire cron triggers by itself. The local stack fires the issuer's the way
 * production does (every five minutes; here every minute, so a restart's lost queue messages and
 * the revocation outbox are picked up soon), through the `/__scheduled` route that
 * `wrangler dev --test-scheduled` exposes.
 */
export const LOCAL_CRON_INTERVAL_MS = 60_000;
/** The issuer's schedule, as wrangler.toml names it. */
const CRON = "*/5 * * * *";

export function scheduledUrl(issuerUrl: string): string {
  return `${issuerUrl}/__scheduled?cron=${encodeURIComponent(CRON)}`;
}

/** Fires the issuer's cron once; resolves whether the run was accepted. */
export async function fireCron(issuerUrl: string): Promise<boolean> {
  try {
    const response = await fetch(scheduledUrl(issuerUrl));
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Fires the cron every `intervalMs` until stopped. */
export function startCronTicker(issuerUrl: string, intervalMs = LOCAL_CRON_INTERVAL_MS): { stop(): void } {
  const timer = setInterval(() => void fireCron(issuerUrl), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
