import { generateSigningKey, importPrivateSigningKey } from "../../../shared/crypto/es256-keys";
import { generateRs256Key, importPrivateRs256Key } from "../../../shared/crypto/rs256-keys";
import { newId } from "../../../shared/crypto/ids";
import { openSecret, sealSecret } from "../../../shared/crypto/key-encryption";
import { err, ok, type Result } from "../../../shared/errors/result";
import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from "../../../shared/domain/access-token-claims";
import type { JwksDocument, JwksPublisher } from "../../../shared/ports/jwks-publisher";
import type { NewSigningKey, PublishedJwk, SigningAlgorithm, SigningKeyStore, StoredSigningKey } from "../../../shared/ports/signing-key-store";

export interface ActiveSigner {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

export interface SigningKeyServiceDeps {
  readonly store: SigningKeyStore;
  readonly publisher: JwksPublisher;
  readonly keyEncryptionSecret: string;
  readonly now: () => Date;
}

const STATE_ORDER = { current: 0, next: 1, retired: 2 } as const;

/** ES256 signs access tokens (the gate accepts nothing else); RS256 signs id_tokens. Each has its own lifecycle. */
export interface KidPair {
  readonly current_kid: string;
  readonly next_kid: string;
}

/** `POST /api/admin/keys/rotate`: the contract's ES256 pair at the top level, and each algorithm's pair. */
export interface RotationAnswer extends KidPair {
  readonly algorithms: Readonly<Record<SigningAlgorithm, KidPair>>;
}

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ["ES256", "RS256"];

/**
 * How long an isolate trusts its copy of the key set. A rotation promotes a key
 * that has been published as `next` for far longer than this, so a stale copy
 * never signs with a key the gate cannot know.
 */
export const KEY_CACHE_MS = 30_000;
/** The scheduled rotation retires the current key after this long. */
export const KEY_ROTATION_INTERVAL_MS = 30 * 24 * 60 * 60 * 1000;

export class SigningKeyService {
  readonly #deps: SigningKeyServiceDeps;
  readonly #signers = new Map<SigningAlgorithm, ActiveSigner>();
  #cached: { keys: StoredSigningKey[]; at: number } | null = null;
  #kvChecked = false;

  constructor(deps: SigningKeyServiceDeps) {
    this.#deps = deps;
  }

  /**
   * The published keys, creating the first current and next key when there are
   * none. The first call in an isolate also makes sure KV holds the same set, so
   * a KV write lost after an earlier change heals itself.
   */
  async publishedKeys(options: { fresh?: boolean } = {}): Promise<StoredSigningKey[]> {
    const nowMs = this.#deps.now().getTime();
    if (!options.fresh && this.#cached && nowMs - this.#cached.at < KEY_CACHE_MS) return this.#cached.keys;
    let keys = await this.#deps.store.listPublished(this.#deps.now());
    const missing = SIGNING_ALGORITHMS.filter((alg) => !keys.some((key) => key.alg === alg && key.state === "current"));
    if (missing.length > 0) {
      for (const alg of missing) await this.#deps.store.installInitialKeys(await this.#newKey(alg), await this.#newKey(alg));
      keys = await this.#deps.store.listPublished(this.#deps.now());
      // Whichever installer won, the gate learns the keys before any token is signed with them.
      await this.#publish(keys);
      this.#kvChecked = true;
    }
    if (!this.#kvChecked) {
      await this.#healKv(keys);
      this.#kvChecked = true;
    }
    this.#cached = { keys, at: nowMs };
    return keys;
  }

  /**
   * Makes KV hold the database's key set; true when it had to be rewritten. The cron calls
   * this, because an isolate checks KV only once: a JWKS write lost after a rotation would
   * otherwise leave the next key missing from the gate's copy until it is promoted.
   */
  async healPublishedJwks(): Promise<boolean> {
    const keys = await this.publishedKeys({ fresh: true });
    return this.#healKv(keys);
  }

  async jwks(): Promise<JwksDocument> {
    return toJwks(await this.publishedKeys());
  }

  /** The key of `alg` (ES256 unless named) that signs new tokens, decrypted once per isolate. */
  async currentSigner(options: { fresh?: boolean; alg?: SigningAlgorithm } = {}): Promise<ActiveSigner> {
    const alg = options.alg ?? "ES256";
    const current = (await this.publishedKeys(options)).find((key) => key.alg === alg && key.state === "current");
    if (!current) throw new Error("no current signing key after installation");
    const held = this.#signers.get(alg);
    if (held?.kid === current.kid) return held;
    const privateJwk = await openSecret(this.#deps.keyEncryptionSecret, "signing-key", current.encryptedPrivateKey, current.kid);
    if (privateJwk === null) throw new Error("the current signing key does not open with KEY_ENCRYPTION_SECRET");
    const signer = { kid: current.kid, privateKey: alg === "RS256" ? await importPrivateRs256Key(privateJwk) : await importPrivateSigningKey(privateJwk) };
    this.#signers.set(alg, signer);
    return signer;
  }

  /**
   * For each algorithm, retires the current key, promotes the next (published
   * since the last rotation) and publishes a new next key. Retired keys stay in
   * the JWKS until every token they signed has expired. Answers with the access
   * token (ES256) keys, as the admin route always has.
   */
  async rotate(): Promise<RotationAnswer> {
    const keys = await this.publishedKeys({ fresh: true });
    const now = this.#deps.now();
    // An id_token lives no longer than an access token, so the same publish window covers both.
    const publishUntil = new Date(now.getTime() + (MAX_ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
    for (const alg of SIGNING_ALGORITHMS) {
      const current = keys.find((key) => key.alg === alg && key.state === "current");
      const next = keys.find((key) => key.alg === alg && key.state === "next");
      if (!current || !next) throw new Error(`cannot rotate ${alg} without a current and a next key`);
      await this.#deps.store.rotate(current.kid, next.kid, await this.#newKey(alg), publishUntil, now);
    }
    const rotated = await this.publishedKeys({ fresh: true });
    await this.#publish(rotated);
    this.#signers.clear();
    const pairs = SIGNING_ALGORITHMS.map((alg) => {
      const newCurrent = rotated.find((key) => key.alg === alg && key.state === "current");
      const newNext = rotated.find((key) => key.alg === alg && key.state === "next");
      if (!newCurrent || !newNext) throw new Error(`rotation left no current or next ${alg} key`);
      return [alg, { current_kid: newCurrent.kid, next_kid: newNext.kid }] as const;
    });
    const algorithms = Object.fromEntries(pairs) as Record<SigningAlgorithm, KidPair>;
    // The contract's `current_kid`/`next_kid` stay the access tokens' (ES256) keys; `algorithms` adds every algorithm's.
    return { ...algorithms.ES256, algorithms };
  }

  /**
   * Takes a key out of use at once, for a key that may have leaked: it leaves
   * the JWKS, and the copy in KV lists its kid as withdrawn, which makes every
   * gate drop it and the tokens it verified with it at its next key refresh.
   * A withdrawn current key is replaced by the next key (published long
   * before), and a fresh next key is published. The kid stays listed until
   * every token it can have signed has expired.
   */
  async withdraw(kid: string): Promise<Result<{ withdrawn_kid: string; current_kid: string; next_kid: string }, "unknown_key">> {
    const before = await this.publishedKeys({ fresh: true });
    const target = before.find((key) => key.kid === kid);
    if (!target && !(await this.#deps.store.listWithdrawn(this.#deps.now())).includes(kid)) return err("unknown_key");
    // A key already withdrawn is no longer listed with its algorithm; withdrawing it again changes nothing whatever `alg` says.
    const alg = target?.alg ?? "ES256";
    const now = this.#deps.now();
    const listedUntil = new Date(now.getTime() + (MAX_ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
    await this.#deps.store.withdraw(kid, await this.#newKey(alg), listedUntil, now);
    const after = await this.publishedKeys({ fresh: true });
    await this.#publish(after);
    if (this.#signers.get(alg)?.kid === kid) this.#signers.delete(alg);
    const current = after.find((key) => key.alg === alg && key.state === "current");
    const next = after.find((key) => key.alg === alg && key.state === "next");
    if (!current || !next) throw new Error("withdrawal left no current or next key");
    return ok({ withdrawn_kid: kid, current_kid: current.kid, next_kid: next.kid });
  }

  /** True when a current key (of either algorithm) has signed for longer than the rotation interval. */
  async rotationDue(): Promise<boolean> {
    const keys = await this.publishedKeys({ fresh: true });
    const nowMs = this.#deps.now().getTime();
    return keys.some((key) => key.state === "current" && nowMs - (key.activatedAt?.getTime() ?? nowMs) >= KEY_ROTATION_INTERVAL_MS);
  }

  /** Health: a current key exists and opens with the configured secret. */
  async keysUsable(): Promise<boolean> {
    try {
      for (const alg of SIGNING_ALGORITHMS) await this.currentSigner({ fresh: true, alg });
      return true;
    } catch {
      return false;
    }
  }

  /** Makes KV hold the database's key set and withdrawn kids; true when it had to be rewritten. */
  async #healKv(keys: readonly StoredSigningKey[]): Promise<boolean> {
    const [inKv, withdrawn] = await Promise.all([this.#deps.publisher.read(), this.#deps.store.listWithdrawn(this.#deps.now())]);
    if (sameKids(inKv?.keys ?? [], keys.map((key) => key.publicJwk)) && sameSet(inKv?.withdrawn ?? [], withdrawn)) return false;
    await this.#deps.publisher.publish({ ...toJwks(keys), withdrawn });
    return true;
  }

  /** The gates' copy: the published keys and the kids withdrawn while their tokens may live. */
  async #publish(keys: readonly StoredSigningKey[]): Promise<void> {
    await this.#deps.publisher.publish({ ...toJwks(keys), withdrawn: await this.#deps.store.listWithdrawn(this.#deps.now()) });
  }

  async #newKey(alg: SigningAlgorithm): Promise<NewSigningKey> {
    const kid = newId("key");
    const generated = alg === "RS256" ? await generateRs256Key(kid) : await generateSigningKey(kid);
    return { kid, alg, publicJwk: generated.publicJwk, encryptedPrivateKey: await sealSecret(this.#deps.keyEncryptionSecret, "signing-key", generated.privateJwkJson, kid) };
  }
}

export function toJwks(keys: readonly StoredSigningKey[]): JwksDocument {
  const ordered = [...keys].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
  return { keys: ordered.map((key): PublishedJwk => ({ ...key.publicJwk })) };
}

function sameKids(a: readonly { kid: string }[], b: readonly { kid: string }[]): boolean {
  return sameSet(a.map((key) => key.kid), b.map((key) => key.kid));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const members = new Set(a);
  return a.length === b.length && b.every((member) => members.has(member));
}
