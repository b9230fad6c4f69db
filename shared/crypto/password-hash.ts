import setupWasm, { type Argon2idParams, type computeHash } from "argon2id/lib/setup.js";
import argon2idModule from "argon2id/dist/simd.wasm";
import { bytesEqual } from "./constant-time";

/**
 * Argon2id at OWASP's first recommended setting (RFC 9106 §4 leaves the choice
 * to the deployment). The parameters travel in each PHC string, so raising
 * these later only makes older hashes report `needsRehash`.
 */
export const PASSWORD_HASH_PARAMETERS: { readonly memoryKiB: number; readonly passes: number; readonly parallelism: number } = Object.freeze({
  memoryKiB: 19_456,
  passes: 2,
  parallelism: 1,
});

const SALT_BYTES = 16;
const TAG_BYTES = 32;
/**
 * Above these a stored string is refused unread: a planted `m=4000000` must not
 * make a login allocate gigabytes. 64 MiB fits the 65 MiB of memory the module
 * starts with, so no accepted string makes it grow.
 */
const MAX_MEMORY_KIB = 65_536;
const MAX_PASSES = 16;
const MAX_PARALLELISM = 8;
const PHC = /^\$argon2id\$v=19\$m=([1-9]\d{0,6}),t=([1-9]\d{0,2}),p=([1-9]\d{0,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,})$/;

const encoder = new TextEncoder();

let computing: Promise<computeHash> | undefined;

/**
 * One WebAssembly instance per isolate. The module arrives as an import that
 * the bundler ships beside the script: production Workers refuse WebAssembly
 * compiled from bytes at run time. `new WebAssembly.Instance` from a compiled
 * module is synchronous and allowed.
 */
function argon2id(): Promise<computeHash> {
  computing ??= setupWasm(
    (imports) => ({ module: argon2idModule, instance: new WebAssembly.Instance(argon2idModule, imports) }),
    // Only the SIMD build is shipped: V8, and so workerd, has supported WebAssembly SIMD since 2021.
    (imports) => ({ module: argon2idModule, instance: new WebAssembly.Instance(argon2idModule, imports) }),
  ).catch((error: unknown) => {
    computing = undefined;
    throw error;
  });
  return computing;
}

/**
 * The raw Argon2id function (RFC 9106), for the test vector. Everything else
 * goes through hashPassword and verifyPassword.
 */
export async function argon2idRaw(params: Argon2idParams): Promise<Uint8Array> {
  const compute = await argon2id();
  return compute({ ...params, password: passwordBytes(params.password) });
}

/**
 * The library checks the password's size by comparing the byte array itself
 * with its bounds, so arrays of zero or one byte are refused although RFC 9106
 * allows any length. The array is given the value its length check expects.
 */
function passwordBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 2) return bytes;
  const copy = Uint8Array.from(bytes);
  Object.defineProperty(copy, "valueOf", { value: () => 8 });
  return copy;
}

/**
 * Hashes a password into a PHC string with a fresh 16-byte salt. The password
 * must already be the policy's NFKC-normalised form (checkPassword's
 * `normalized`); it is hashed as UTF-8.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const { memoryKiB, passes, parallelism } = PASSWORD_HASH_PARAMETERS;
  const tag = await argon2idRaw({ password: encoder.encode(password), salt, memorySize: memoryKiB, passes, parallelism, tagLength: TAG_BYTES });
  return `$argon2id$v=19$m=${memoryKiB},t=${passes},p=${parallelism}$${encodeBase64(salt)}$${encodeBase64(tag)}`;
}

interface ParsedHash {
  readonly memoryKiB: number;
  readonly passes: number;
  readonly parallelism: number;
  readonly salt: Uint8Array;
  readonly tag: Uint8Array;
}

/** Null for anything that is not a PHC Argon2id v19 string within the bounds above. */
export function parsePasswordHash(phc: string): ParsedHash | null {
  const match = PHC.exec(phc);
  if (!match) return null;
  const [, m, t, p, saltText, tagText] = match;
  const memoryKiB = Number(m);
  const passes = Number(t);
  const parallelism = Number(p);
  const salt = decodeBase64(saltText ?? "");
  const tag = decodeBase64(tagText ?? "");
  if (!salt || !tag || salt.length < 8 || tag.length < 4 || tag.length > 64) return null;
  if (passes < 1 || passes > MAX_PASSES || parallelism < 1 || parallelism > MAX_PARALLELISM) return null;
  if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) return null;
  return { memoryKiB, passes, parallelism, salt, tag };
}

/**
 * Checks a password (already NFKC-normalised, as for hashPassword) against a
 * stored PHC string, with the parameters the string names. `needsRehash` says
 * the string is below the current parameters: hash the password again after a
 * successful login. A malformed string never matches and never throws.
 */
export async function verifyPassword(phc: string, password: string): Promise<{ valid: boolean; needsRehash: boolean }> {
  const parsed = parsePasswordHash(phc);
  if (!parsed) {
    // Stored junk must not answer faster than a wrong password would.
    await spendDummyVerification(password);
    return { valid: false, needsRehash: false };
  }
  const current = PASSWORD_HASH_PARAMETERS;
  const needsRehash =
    parsed.memoryKiB < current.memoryKiB || parsed.passes < current.passes || parsed.parallelism < current.parallelism || parsed.tag.length < TAG_BYTES || parsed.salt.length < SALT_BYTES;
  return { valid: await matches(parsed, password), needsRehash };
}

async function matches(parsed: ParsedHash, password: string): Promise<boolean> {
  const presented = await argon2idRaw({
    password: encoder.encode(password),
    salt: parsed.salt,
    memorySize: parsed.memoryKiB,
    passes: parsed.passes,
    parallelism: parsed.parallelism,
    tagLength: parsed.tag.length,
  });
  return bytesEqual(presented, parsed.tag);
}

/**
 * A PHC string at the current parameters whose tag is all zeros, which no
 * password produces in practice. Unknown accounts are verified against it by
 * verifyPassword itself: the same path, and the same work, as a real hash.
 */
export const DUMMY_PASSWORD_HASH = `$argon2id$v=19$m=${PASSWORD_HASH_PARAMETERS.memoryKiB},t=${PASSWORD_HASH_PARAMETERS.passes},p=${PASSWORD_HASH_PARAMETERS.parallelism}$${encodeBase64(new Uint8Array(SALT_BYTES).fill(0x5a))}$${encodeBase64(new Uint8Array(TAG_BYTES))}`;

/**
 * The work of one verification against a real hash at the current parameters,
 * for a login whose address has no account (or no password): the answer then
 * takes as long as a wrong password would, so timing does not reveal accounts.
 */
export async function spendDummyVerification(password: string): Promise<void> {
  await verifyPassword(DUMMY_PASSWORD_HASH, password);
}

/** Standard base64 without padding, as the PHC string format writes it. */
function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, "");
}

/** Null unless `text` is the canonical unpadded spelling of its bytes. */
function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  let binary: string;
  try {
    binary = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return encodeBase64(bytes) === text ? bytes : null;
}
