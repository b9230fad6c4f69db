import { contentDigestMatches, type Body } from "./content-digest";
import { importHmacKey, utf8 } from "./hmac";
import { CLIENT_ADDRESS_HEADERS, CLIENT_HEADERS, IDENTITY_HEADERS, isGateOwnedHeader, REQUEST_ID_HEADER, SIGNATURE_HEADERS, SIGN_IN_HEADERS, type GateIdentity } from "./identity-headers";
import { authorityOf, signatureBase, type SignatureParam } from "./signature-base";
import {
  AMR_COMPONENT,
  AUTH_TIME_COMPONENT,
  CLIENT_ADDRESS_COMPONENTS,
  CLIENT_COMPONENTS,
  GATE_KEY_ID,
  REQUEST_COMPONENTS,
  SIGNATURE_ALGORITHM,
  SIGNATURE_LABEL,
  USER_COMPONENTS,
} from "./signature-policy";
import { parseDictionary, type BareItem } from "./structured-fields";

/** The oldest signature (by `created`) an origin accepts; the gate's own `expires` is 60 s after `created` too. */
export const DEFAULT_MAX_AGE_SECONDS = 60;

/** How far the origin's clock may be from the gate's, either way. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 5;

/** A `Headers`, or a Node-style record of lower-case names (`IncomingMessage.headers`). */
export type HeaderSource =
  | { get(name: string): string | null; forEach(callback: (value: string, name: string) => void): void }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyInput {
  readonly method: string;
  /** The URL the origin received, or its `/path?query`, as sent (still percent-encoded). */
  readonly url: string;
  readonly headers: HeaderSource;
  /** The body exactly as received (null or empty for none); its digest must match the signed `Content-Digest`. */
  readonly body: Body;
  /** The `GATE_SIGNING_SECRET` the gate signs with. */
  readonly secret: string;
  /**
   * The authority this origin is reached as through the gate, `host[:port]` of the gate's
   * `ORIGIN_URL` (or several). A request signed for another origin sharing the secret fails.
   */
  readonly authority: string | readonly string[];
  readonly maxAgeSeconds?: number;
  readonly clockSkewSeconds?: number;
  /** Unix seconds; defaults to the clock. */
  readonly now?: number;
  /**
   * Records the nonce and says whether it was seen before; `expiresAt` (unix seconds) is when
   * the signature stops being accepted, so the record may be dropped then. Without it a
   * captured request can be replayed unchanged until it expires.
   */
  readonly seenNonce?: (nonce: string, expiresAt: number) => Promise<boolean> | boolean;
}

export type VerifyFailure =
  /** No gate signature on the request. */
  | "missing"
  /** A signature that is not the gate's shape: unparsable, other components, algorithm or key id. */
  | "malformed"
  /** Outside the window: expired, too old, or created in the future. */
  | "stale"
  /** The HMAC does not match: altered, signed with another secret, or for another origin. */
  | "bad_signature"
  /** The body is not the one the gate signed. */
  | "digest_mismatch"
  /** A header only the gate sets is present but not covered: added after the gate. */
  | "unsigned_header"
  /** `seenNonce` has seen this signature before. */
  | "replayed";

export type VerifyResult =
  | {
      readonly ok: true;
      /**
       * `{kind: "user", ...}` for a signed-in caller, with how (`amr`) and when (`authTime`) they
       * signed in when the gate said so; `{kind: "client", clientId, tenantId, roles}` for a
       * client calling with its own `client_credentials` token (no user, no session);
       * `{kind: "anonymous"}` on a public route.
       */
      readonly identity: GateIdentity;
      readonly requestId: string;
      /** The client's address as the platform reported it, or null when it did not. */
      readonly clientAddress: string | null;
      readonly created: number;
      readonly expires: number;
      readonly nonce: string;
    }
  | { readonly ok: false; readonly reason: VerifyFailure };

interface GateSignature {
  readonly components: readonly string[];
  readonly params: readonly SignatureParam[];
  readonly created: number;
  readonly expires: number;
  readonly nonce: string;
  readonly mac: Uint8Array<ArrayBuffer>;
}

const HMAC_SHA256_BYTES = 32;
const KNOWN_COMPONENTS = new Set([...REQUEST_COMPONENTS, ...USER_COMPONENTS, ...CLIENT_COMPONENTS, AMR_COMPONENT, AUTH_TIME_COMPONENT, ...CLIENT_ADDRESS_COMPONENTS]);

/**
 * For origins behind the gate: checks the gate's RFC 9421 signature on a
 * request — that it covers this method, authority, path, query and body,
 * is within its window, and that every header only the gate sets is covered.
 * Dependency-free (WebCrypto only): runs in Workers, Node 18+, Deno and Bun.
 * The HMAC is checked with WebCrypto's `verify`, which compares in constant time.
 */
export async function verifyGateRequest(input: VerifyInput): Promise<VerifyResult> {
  const headers = readHeaders(input.headers);
  const parsed = parseGateSignature(headers.get(SIGNATURE_HEADERS.signatureInput), headers.get(SIGNATURE_HEADERS.signature));
  if (typeof parsed === "string") return { ok: false, reason: parsed };

  const now = input.now ?? Math.floor(Date.now() / 1000);
  const skew = input.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const maxAge = input.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (parsed.created > now + skew || now > parsed.expires + skew || now - parsed.created > maxAge + skew) return { ok: false, reason: "stale" };

  const key = await importHmacKey(input.secret, "verify");
  let verified = false;
  for (const authority of authorities(input.authority)) {
    const base = signatureBase(parsed.components, parsed.params, { method: input.method, authority, target: input.url, header: (name) => headers.get(name) });
    if (base !== null && (await crypto.subtle.verify("HMAC", key, parsed.mac, utf8(base)))) {
      verified = true;
      break;
    }
  }
  if (!verified) return { ok: false, reason: "bad_signature" };
  if (!(await contentDigestMatches(headers.get(SIGNATURE_HEADERS.contentDigest), input.body))) return { ok: false, reason: "digest_mismatch" };

  const covered = new Set(parsed.components);
  for (const name of headers.names) {
    if (isGateOwnedHeader(name) && !covered.has(name) && name !== "signature" && name !== "signature-input") return { ok: false, reason: "unsigned_header" };
  }
  const expiresAt = Math.min(parsed.expires, parsed.created + maxAge) + skew;
  if (input.seenNonce && (await input.seenNonce(parsed.nonce, expiresAt))) return { ok: false, reason: "replayed" };

  return {
    ok: true,
    // parseGateSignature let through all of each group or none of it.
    identity: USER_COMPONENTS.every((name) => covered.has(name))
      ? userIdentity(headers, covered)
      : CLIENT_COMPONENTS.every((name) => covered.has(name))
        ? clientIdentity(headers)
        : { kind: "anonymous" },
    requestId: headers.get(REQUEST_ID_HEADER) ?? "",
    clientAddress: covered.has(CLIENT_ADDRESS_HEADERS.forwardedFor.toLowerCase()) ? headers.get(CLIENT_ADDRESS_HEADERS.forwardedFor) : null,
    created: parsed.created,
    expires: parsed.expires,
    nonce: parsed.nonce,
  };
}

/** Reads only what the signature covers: an `amr` or `auth_time` header it does not cover never gets this far. */
function userIdentity(headers: ReadHeaders, covered: ReadonlySet<string>): GateIdentity {
  const authTime = covered.has(AUTH_TIME_COMPONENT) ? (headers.get(SIGN_IN_HEADERS.authTime) ?? "") : "";
  return {
    kind: "user",
    userId: headers.get(IDENTITY_HEADERS.userId) ?? "",
    tenantId: headers.get(IDENTITY_HEADERS.tenantId) ?? "",
    sessionId: headers.get(IDENTITY_HEADERS.sessionId) ?? "",
    roles: commaList(headers.get(IDENTITY_HEADERS.roles)),
    amr: covered.has(AMR_COMPONENT) ? commaList(headers.get(SIGN_IN_HEADERS.amr)) : [],
    authTime: /^\d{1,15}$/.test(authTime) ? Number(authTime) : null,
  };
}

function clientIdentity(headers: ReadHeaders): GateIdentity {
  return {
    kind: "client",
    clientId: headers.get(CLIENT_HEADERS.clientId) ?? "",
    tenantId: headers.get(CLIENT_HEADERS.tenantId) ?? "",
    roles: commaList(headers.get(CLIENT_HEADERS.roles)),
  };
}

function commaList(value: string | null): string[] {
  return value === null || value === "" ? [] : value.split(",");
}

/** The gate's member of `Signature-Input` and `Signature`, held to the one shape the gate produces. */
function parseGateSignature(inputHeader: string | null, signatureHeader: string | null): GateSignature | "missing" | "malformed" {
  if (inputHeader === null || signatureHeader === null) return "missing";
  const input = parseDictionary(inputHeader);
  const signature = parseDictionary(signatureHeader);
  if (input === null || signature === null) return "malformed";
  const member = input.get(SIGNATURE_LABEL);
  const mac = signature.get(SIGNATURE_LABEL);
  if (member === undefined && mac === undefined) return "missing";
  if (member?.kind !== "inner-list" || mac?.kind !== "item" || mac.value.type !== "bytes" || mac.value.value.length !== HMAC_SHA256_BYTES) return "malformed";

  const components: string[] = [];
  for (const item of member.items) {
    if (item.value.type !== "string" || item.params.size > 0 || !KNOWN_COMPONENTS.has(item.value.value) || components.includes(item.value.value)) return "malformed";
    components.push(item.value.value);
  }
  if (!REQUEST_COMPONENTS.every((name) => components.includes(name)) || !oneCaller(components) || !allOrNone(components, CLIENT_ADDRESS_COMPONENTS)) {
    return "malformed";
  }
  // How a user signed in only means something beside who the user is.
  const signedIn = USER_COMPONENTS.every((name) => components.includes(name));
  if (!signedIn && (components.includes(AMR_COMPONENT) || components.includes(AUTH_TIME_COMPONENT))) return "malformed";

  const params: SignatureParam[] = [];
  for (const [name, value] of member.params) {
    const plain = plainValue(value);
    if (plain === null || !["created", "expires", "nonce", "keyid", "alg"].includes(name)) return "malformed";
    params.push([name, plain]);
  }
  const param = (name: string) => params.find(([key]) => key === name)?.[1];
  const created = param("created");
  const expires = param("expires");
  const nonce = param("nonce");
  if (typeof created !== "number" || typeof expires !== "number" || expires <= created || typeof nonce !== "string" || nonce === "") return "malformed";
  if (param("keyid") !== GATE_KEY_ID || param("alg") !== SIGNATURE_ALGORITHM) return "malformed";
  return { components, params, created, expires, nonce, mac: mac.value.value };
}

function plainValue(value: BareItem): string | number | null {
  if (value.type === "string") return value.value;
  if (value.type === "integer" && value.value >= 0) return value.value;
  return null;
}

/** The identity components are exactly a user's, exactly a client's, or none: never a mix of the two. */
function oneCaller(components: readonly string[]): boolean {
  const identity = components.filter((name) => USER_COMPONENTS.includes(name) || CLIENT_COMPONENTS.includes(name));
  const exactly = (group: readonly string[]) => identity.length === group.length && group.every((name) => identity.includes(name));
  return identity.length === 0 || exactly(USER_COMPONENTS) || exactly(CLIENT_COMPONENTS);
}

function allOrNone(components: readonly string[], group: readonly string[]): boolean {
  const present = group.filter((name) => components.includes(name)).length;
  return present === 0 || present === group.length;
}

function authorities(configured: string | readonly string[]): string[] {
  const list = typeof configured === "string" ? [configured] : [...configured];
  // A full URL is taken for its host, so ORIGIN_URL itself can be passed; one that does not parse matches nothing.
  return list.flatMap((value) => {
    const authority = value.includes("://") ? authorityOf(value) : value.toLowerCase();
    return authority === null ? [] : [authority];
  });
}

interface ReadHeaders {
  get(name: string): string | null;
  readonly names: readonly string[];
}

function readHeaders(source: HeaderSource): ReadHeaders {
  if (typeof source.get === "function" && typeof source.forEach === "function") {
    const headers = source as { get(name: string): string | null; forEach(callback: (value: string, name: string) => void): void };
    const names: string[] = [];
    headers.forEach((_, name) => names.push(name.toLowerCase()));
    return { get: (name) => headers.get(name), names };
  }
  const record = source as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lowered = new Map<string, string>();
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const joined = typeof value === "string" ? value : value.join(", ");
    const key = name.toLowerCase();
    const existing = lowered.get(key);
    lowered.set(key, existing === undefined ? joined : `${existing}, ${joined}`);
  }
  return { get: (name) => lowered.get(name.toLowerCase()) ?? null, names: [...lowered.keys()] };
}
