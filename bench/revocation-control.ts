/**
 * The control: revokes two control users' tokens during the run, through the
 * issuer's own Upstash writer (one session revocation, one "every token of this
 * user" mark), and times how long each benchmarked worker keeps serving them.
 * The snapshot gate must refuse within its staleness bound (2 × REVOCATION_SYNC_MS);
 * the strict gate and the jose + Upstash worker must refuse at once. A worker
 * that served a revoked token past that would make its throughput meaningless.
 */
import { createRedis } from "../shared/adapters/upstash/redis-client";
import { upstashRevocationList } from "../shared/adapters/upstash/revocation-list";
import { newId } from "../shared/crypto/ids";
import { REVOCATION_LIFETIME_MS } from "../shared/domain/revocation-entries";
import type { OutboxEntry } from "../shared/ports/revocation-store";

export interface ControlTarget {
  readonly name: string;
  readonly url: string;
  /** How long it may serve a revoked token after the revocation was published; null: not once (it asks Upstash per request). */
  readonly boundMs: number | null;
}

export interface ControlResult {
  readonly worker: string;
  readonly revocation: "session" | "user";
  readonly boundMs: number | null;
  /** From the publish's acknowledgement to the first 401; null when it never came within the wait. */
  readonly refusedAfterMs: number | null;
  /** Requests sent with the revoked token until the first 401 (that one included). */
  readonly attempts: number;
  /** Served before the revocation (the token was good), refused within the bound after it. */
  readonly passed: boolean;
}

interface ControlToken {
  readonly token: string;
  readonly sub: string;
  readonly sid: string;
}

const POLL_MS = 20;
/** How long past its bound a worker is watched before the control gives up on it. */
const GRACE_MS = 5_000;

/**
 * `tokens` are two fresh tokens of users nobody else uses (so the rest of the run is unaffected).
 * The entries are removed afterwards, so later fresh isolates do not see them.
 */
export async function runRevocationControl(
  upstash: { readonly url: string; readonly token: string },
  tokens: readonly [ControlToken, ControlToken],
  targets: readonly ControlTarget[],
): Promise<ControlResult[]> {
  const redis = createRedis(upstash, { retries: 0 });
  const list = upstashRevocationList(redis);
  const [sessionToken, userToken] = tokens;
  const served = new Map<string, boolean>();
  for (const target of targets) for (const token of tokens) served.set(`${target.name} ${token.sid}`, (await status(target.url, token.token)) === 200);

  const results: ControlResult[] = [];
  const cases: [OutboxEntry["kind"], ControlToken][] = [
    ["session", sessionToken],
    ["user", userToken],
  ];
  try {
    for (const [revocation, token] of cases) {
      const at = new Date();
      const entry: OutboxEntry = { id: newId("evt"), kind: revocation, subjectId: revocation === "session" ? token.sid : token.sub, at, expiresAt: new Date(at.getTime() + REVOCATION_LIFETIME_MS) };
      await list.publish([entry]);
      const published = performance.now();
      const watched = targets.map(async (target): Promise<ControlResult> => {
        const { refusedAfterMs, attempts } = await firstRefusal(target.url, token.token, published, (target.boundMs ?? 0) + GRACE_MS);
        const withinBound = refusedAfterMs !== null && (target.boundMs === null ? attempts === 1 : refusedAfterMs <= target.boundMs);
        return { worker: target.name, revocation, boundMs: target.boundMs, refusedAfterMs, attempts, passed: served.get(`${target.name} ${token.sid}`) === true && withinBound };
      });
      results.push(...(await Promise.all(watched)));
    }
  } finally {
    await redis.del(`rv:s:${sessionToken.sid}`, `rv:um:${userToken.sub}`);
    const members = await redis.zrange<string[]>("rv:log", 0, -1);
    const ours = members.map(String).filter((member) => member.includes(sessionToken.sid) || member.includes(userToken.sub));
    if (ours.length > 0) await redis.zrem("rv:log", ...ours);
  }
  return results;
}

async function firstRefusal(url: string, token: string, since: number, waitMs: number): Promise<{ refusedAfterMs: number | null; attempts: number }> {
  for (let attempts = 1; ; attempts += 1) {
    const answer = await status(url, token);
    const elapsed = performance.now() - since;
    if (answer === 401) return { refusedAfterMs: elapsed, attempts };
    if (elapsed > waitMs) return { refusedAfterMs: null, attempts };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function status(url: string, token: string): Promise<number> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}
