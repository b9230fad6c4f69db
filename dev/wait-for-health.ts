export interface HealthSnapshot {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Polls a health URL until it answers 200 (every check up). A worker that
 * answers but is not healthy yet (the gate before the issuer has published its
 * keys) is polled again; after `timeoutMs` the last answer is returned, so the
 * banner can show it, and only a URL that never answered is an error.
 */
export async function waitForHealth(url: string, timeoutMs = 60_000): Promise<HealthSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  let last: HealthSnapshot | null = null;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      if (response.status === 200) return { status: 200, body: safeJson(text) };
      if (response.status === 207 || response.status === 503) last = { status: response.status, body: safeJson(text) };
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (last) return last;
  throw new Error(`${url} did not come up within ${timeoutMs / 1000}s (${lastError})`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
