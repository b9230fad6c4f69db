/**
 * A gate request never depends on I/O that another request started. In workerd,
 * a request whose only pending work belongs to another request is cancelled
 * as hung ("Promise will never complete"), and I/O objects cannot cross
 * requests; when the request that started the work ends or is cancelled first,
 * the waiter would fail with a 500. Here the first reader call never answers, as
 * the I/O of a cancelled request never does: a later caller must not hang on it.
 * It may join another request's revocation sync, for a bounded time, and is then
 * answered from the copy it has (see revocation-snapshot.test.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issuerJwksSource } from "../../../shared/adapters/issuer-binding/jwks-source";
import { kvJwksPublisher } from "../../../shared/adapters/kv/jwks-publisher";
import { upstashRevocationReader } from "../../../shared/adapters/upstash/revocation-reader";
import { decodeBase64Url } from "../../../shared/crypto/base64url";
import type { JwksSource } from "../../../shared/ports/jwks-source";
import type { RevocationReader } from "../../../shared/ports/revocation-reader";
import { JwksCache } from "../../../workers/gate/validation/jwks-cache";
import { RevocationSnapshot } from "../../../workers/gate/validation/revocation-snapshot";
import { createTenant, decodePayload, issuerCall, logout, signIn } from "./support/gate-stack";

const background = (work: Promise<unknown>) => void work;
const never = <T>() => new Promise<T>(() => undefined);

describe("no request waits on another request's I/O", () => {
  it("a request on an isolate with no revocation copy is answered from its own Upstash lookup, even while another request's sync never settles", async () => {
    const session = await signIn(await createTenant());
    await logout(session.token);
    const claims = decodePayload(session.token) as { sid: string; sub: string; iat: number };
    const upstash = upstashRevocationReader({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
    let reads = 0;
    // The real reader, except that the first read never answers.
    const reader: RevocationReader = { logSince: (since) => (++reads === 1 ? never() : upstash.logSince(since)), lookup: (sid, uid) => upstash.lookup(sid, uid) };
    const snapshot = new RevocationSnapshot(reader, 500);

    void snapshot.check(claims, Date.now(), background);
    // Answered from the session's own entry (it was logged out), rather than hanging on the other request's read or starting a second one.
    expect(await snapshot.check(claims, Date.now(), background)).toEqual({ revoked: true, fresh: true, loaded: true });
    expect(reads).toBe(1);
  });

  it("a burst on a stale snapshot reads the log once: the requests join the sync that is running", async () => {
    const session = await signIn(await createTenant());
    await logout(session.token);
    const claims = decodePayload(session.token) as { sid: string; sub: string; iat: number };
    const upstash = upstashRevocationReader({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
    let reads = 0;
    const reader: RevocationReader = {
      logSince: (since) => {
        reads += 1;
        return upstash.logSince(since);
      },
      lookup: (sid, uid) => upstash.lookup(sid, uid),
    };
    const snapshot = new RevocationSnapshot(reader, 500);

    const now = Date.now();
    const verdicts = await Promise.all(Array.from({ length: 16 }, () => snapshot.check(claims, now, background)));
    expect(verdicts).toEqual(Array.from({ length: 16 }, () => ({ revoked: true, fresh: true, loaded: true })));
    expect(reads).toBe(1);
  });

  it("a request on an empty key cache reads the keys itself, even while another request's read is pending", async () => {
    const session = await signIn(await createTenant());
    expect((await issuerCall("/.well-known/jwks.json")).status).toBe(200);
    const header = JSON.parse(new TextDecoder().decode(decodeBase64Url(session.token.split(".")[0] ?? "") ?? new Uint8Array())) as { kid: string };
    const kv = kvJwksPublisher(env.JWKS_KV);
    let reads = 0;
    const heldFirstRead: JwksSource = { read: () => (++reads === 1 ? never() : kv.read()) };
    const cache = new JwksCache({ kv: heldFirstRead, issuer: issuerJwksSource(env.ISSUER, env.ISSUER_URL) });

    void cache.keyFor(header.kid, "ES256", Date.now(), background);
    expect(await cache.keyFor(header.kid, "ES256", Date.now(), background)).not.toBeNull();
  });
});
