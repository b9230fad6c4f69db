import { hmacSha256Hex, sha256Hex, toHex } from "../../../shared/crypto/hashing";
import { isLegacySeal, openSecret, sealSecret } from "../../../shared/crypto/key-encryption";
import { canonicalJson, IDEMPOTENCY_IN_USE_RETRY_SECONDS } from "../../../shared/domain/idempotency";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import { parseStrictJson } from "../../../shared/http/strict-json";
import type { Logger } from "../../../shared/logging/logger";
import type { IdempotencyStore, StoredResponse } from "../../../shared/ports/idempotency-store";

export interface IdempotencyDeps {
  readonly store: IdempotencyStore;
  /** The credential that scopes a key: the same key sent under another credential is another key. */
  readonly scopeCredential: string;
  /** Seals stored responses, which can hold key pairs shown only once. */
  readonly keyEncryptionSecret: string;
  readonly logger: Logger;
}

/** What identifies "the same request": the method, the path with its query and the body. */
export interface IdempotentRequest {
  readonly method: string;
  readonly target: string;
  readonly body: Uint8Array;
}

/** A response as stored and replayed: status, the headers that describe it, and its body text. */
export interface RecordedResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

export interface Claim {
  readonly keyHash: string;
  readonly claimId: string;
}

export type Admission = { readonly kind: "run"; readonly claim: Claim } | { readonly kind: "replay"; readonly response: RecordedResponse };

/** Pauses between attempts to store a finished response; the client is waiting for it. */
const COMPLETE_RETRY_DELAYS_MS = [0, 100, 400] as const;

/**
 * Decides what a write carrying an Idempotency-Key does: run (this request now
 * holds the key), replay the stored response, or refuse (the key is held by a
 * request still running, or was used for a different request).
 */
export async function admitIdempotent(deps: IdempotencyDeps, key: string, request: IdempotentRequest): Promise<Result<Admission, Failure>> {
  const [keyHash, fingerprint] = await Promise.all([idempotencyKeyHash(deps.scopeCredential, key), requestFingerprint(request)]);
  // A record can vanish between a failed claim and the read (released after a 5xx, or expired): claim again once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const claimId = crypto.randomUUID();
    if (await deps.store.claim(keyHash, fingerprint, claimId)) return ok({ kind: "run", claim: { keyHash, claimId } });
    const record = await deps.store.find(keyHash);
    if (!record) continue;
    if (record.state === "in_progress") break;
    if (record.fingerprint !== fingerprint) return err({ reason: "idempotency_key_reused" });
    return ok({ kind: "replay", response: await openResponse(deps.keyEncryptionSecret, keyHash, record.response) });
  }
  return err({ reason: "idempotency_key_in_use", retryAfterSeconds: IDEMPOTENCY_IN_USE_RETRY_SECONDS });
}

/**
 * Ends a claim. A final answer (below 500) is sealed and stored for replays; an
 * outage or bug (5xx) frees the key so the client's retry runs again. Failing to
 * write either is logged, not thrown: the action already happened and its answer
 * must still reach the client.
 */
export async function settleIdempotent(deps: IdempotencyDeps, claim: Claim, response: RecordedResponse): Promise<void> {
  if (response.status >= 500) {
    try {
      await deps.store.release(claim.keyHash, claim.claimId);
    } catch (error) {
      // The claim expires on its own after IDEMPOTENCY_CLAIM_SECONDS.
      deps.logger.error("idempotency_release_failed", { error: errorName(error) });
    }
    return;
  }
  const stored = { status: response.status, sealed: await sealResponse(deps.keyEncryptionSecret, claim.keyHash, response) };
  let lastError = "unknown";
  for (const delay of COMPLETE_RETRY_DELAYS_MS) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      if (!(await deps.store.complete(claim.keyHash, claim.claimId, stored))) deps.logger.warn("idempotency_claim_lost", { status: response.status });
      return;
    } catch (error) {
      lastError = errorName(error);
    }
  }
  deps.logger.error("idempotency_complete_failed", { error: lastError, status: response.status });
}

/**
 * The key is stored only as an HMAC under the scope's credential, with a label for
 * the scope: the database never holds a key a client chose, and equal keys from
 * different scopes never meet.
 */
export function idempotencyKeyHash(scopeCredential: string, key: string): Promise<string> {
  return hmacSha256Hex(scopeCredential, `portcullis idempotency-key v1 admin\n${key}`);
}

/**
 * SHA-256 over method, target and body. A JSON body counts by its value (whitespace
 * and key order do not matter); any other body, including invalid JSON, by its bytes.
 */
export async function requestFingerprint(request: IdempotentRequest): Promise<string> {
  return sha256Hex(JSON.stringify([request.method.toUpperCase(), request.target, await bodyIdentity(request.body)]));
}

async function bodyIdentity(body: Uint8Array): Promise<string> {
  if (body.byteLength > 0) {
    try {
      const parsed = parseStrictJson(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
      if (parsed.ok) return `json:${canonicalJson(parsed.value)}`;
    } catch {
      // Not UTF-8: counted by its bytes below.
    }
  }
  return `bytes:${toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", body)))}`;
}

function sealResponse(secret: string, keyHash: string, response: RecordedResponse): Promise<string> {
  return sealSecret(secret, "idempotent-answer", JSON.stringify({ headers: response.headers, body: response.body }), sealContext(keyHash, response.status));
}

/**
 * Sealed with AES-GCM by this service, so what opens is what `sealResponse` wrote, status
 * included: a status changed in the database makes the answer fail to open, not replay as a success.
 */
async function openResponse(secret: string, keyHash: string, stored: StoredResponse): Promise<RecordedResponse> {
  // Answers stored before the status was bound (at most IDEMPOTENCY_RECORD_SECONDS old) open with the old context.
  const context = isLegacySeal(stored.sealed) ? legacySealContext(keyHash) : sealContext(keyHash, stored.status);
  const opened = await openSecret(secret, "idempotent-answer", stored.sealed, context);
  if (opened === null) throw new Error("A stored idempotent response does not open under KEY_ENCRYPTION_SECRET");
  const { headers, body } = JSON.parse(opened) as Omit<RecordedResponse, "status">;
  return { status: stored.status, headers, body };
}

/** Binds a sealed response to its key and its status, so neither a copy onto another row nor another status opens. */
function sealContext(keyHash: string, status: number): string {
  return `idempotency:${keyHash}:status:${status}`;
}

function legacySealContext(keyHash: string): string {
  return `idempotency:${keyHash}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown";
}
