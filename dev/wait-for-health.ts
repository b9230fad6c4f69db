export interface HealthSnapshot {
  readonly status: number;
  readonly body: unknown;
}

/** Polls a health URL until it answers at all (any status), or gives up after `timeoutMs`. */
export async function waitForHealth(url: string, timeoutMs = 60_000): Promise<HealthSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      if (response.status !== 404 && response.status < 500 || response.status === 503) {
        return { status: response.status, body: safeJson(text) };
      }
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs / 1000}s (${lastError})`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
