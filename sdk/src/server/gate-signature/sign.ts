import { contentDigest } from "./content-digest";
import { importHmacKey, utf8 } from "./hmac";
import { SIGNATURE_HEADERS } from "./identity-headers";
import { signatureBaseWithParams, signatureParams, type SignatureParam } from "./signature-base";
import {
  AMR_COMPONENT,
  AUTH_TIME_COMPONENT,
  CLIENT_ADDRESS_COMPONENTS,
  CLIENT_COMPONENTS,
  GATE_KEY_ID,
  REQUEST_COMPONENTS,
  SIGNATURE_ALGORITHM,
  SIGNATURE_LABEL,
  SIGNATURE_LIFETIME_SECONDS,
  USER_COMPONENTS,
} from "./signature-policy";
import { encodeBase64 } from "./structured-fields";

export interface SignInput {
  readonly method: string;
  /** The URL the request is sent to (a `URL`, or its parts); gives `@authority`, `@path` and `@query`. */
  readonly url: Pick<URL, "host" | "pathname" | "search">;
  /** The outgoing headers, identity and address headers already set; the signature headers are added to them. */
  readonly headers: Headers;
  /** The exact bytes sent as the body (empty for none). */
  readonly body: Uint8Array;
  /** Who the identity headers name: a user, a client (`client_credentials`), or nobody. */
  readonly caller: "user" | "client" | null;
  /** The `amr` and `auth_time` headers were set (signed-in requests whose token has the claim). */
  readonly amrSet: boolean;
  readonly authTimeSet: boolean;
  readonly clientAddressSet: boolean;
  /** Unix seconds. */
  readonly created: number;
}

/**
 * Signs a request to the origin with an RFC 9421 HTTP Message Signature
 * (`hmac-sha256`): method, authority, path and query, the body's
 * `Content-Digest` (RFC 9530), the request id, the identity (a user's or a client's), sign-in
 * (`amr`, `auth_time`) and client address headers when present, and
 * `created`, `expires` and a fresh nonce.
 */
export class GateSigner {
  readonly #key: Promise<CryptoKey>;
  /** Most requests (every GET) have no body: its digest is computed once. */
  #emptyBodyDigest: string | undefined;

  constructor(secret: string) {
    this.#key = importHmacKey(secret, "sign");
  }

  async sign(input: SignInput): Promise<void> {
    const { headers } = input;
    const digest = input.body.byteLength > 0 ? await contentDigest(input.body) : (this.#emptyBodyDigest ??= await contentDigest(input.body));
    headers.set(SIGNATURE_HEADERS.contentDigest, digest);
    const components = coveredComponents(input);
    const params: SignatureParam[] = [
      ["created", input.created],
      ["expires", input.created + SIGNATURE_LIFETIME_SECONDS],
      ["nonce", nonce()],
      ["keyid", GATE_KEY_ID],
      ["alg", SIGNATURE_ALGORITHM],
    ];
    const serializedParams = signatureParams(components, params);
    const base = signatureBaseWithParams(components, serializedParams, {
      method: input.method,
      authority: input.url.host.toLowerCase(),
      target: `${input.url.pathname}${input.url.search}`,
      header: (name) => headers.get(name),
    });
    // Every covered field was just set by the caller; a missing one is a bug, not a client's doing.
    if (base === null) throw new Error("a covered field is missing from the forwarded request");
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await this.#key, utf8(base)));
    headers.set(SIGNATURE_HEADERS.signatureInput, `${SIGNATURE_LABEL}=${serializedParams}`);
    headers.set(SIGNATURE_HEADERS.signature, `${SIGNATURE_LABEL}=:${encodeBase64(mac)}:`);
  }
}

/** The covered components for each kind of request: sixteen lists at most, built once each. */
const componentLists = new Map<string, readonly string[]>();

function coveredComponents(input: SignInput): readonly string[] {
  const key = `${input.caller ?? ""}|${input.amrSet ? 1 : 0}${input.authTimeSet ? 1 : 0}${input.clientAddressSet ? 1 : 0}`;
  let components = componentLists.get(key);
  if (components === undefined) {
    const list = [...REQUEST_COMPONENTS, ...(input.caller === "user" ? USER_COMPONENTS : input.caller === "client" ? CLIENT_COMPONENTS : [])];
    if (input.amrSet) list.push(AMR_COMPONENT);
    if (input.authTimeSet) list.push(AUTH_TIME_COMPONENT);
    if (input.clientAddressSet) list.push(...CLIENT_ADDRESS_COMPONENTS);
    components = list;
    componentLists.set(key, components);
  }
  return components;
}

const NONCE_BYTES = 16;
/** Nonces are drawn from the CSPRNG 256 at a time: one draw per request cost more than the rest of the nonce. */
const NONCE_POOL_BYTES = NONCE_BYTES * 256;
let noncePool = new Uint8Array(0);
let nonceOffset = 0;

/** 128 random bits, base64url: unique per request, so an origin can refuse one seen before. */
function nonce(): string {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = crypto.getRandomValues(new Uint8Array(NONCE_POOL_BYTES));
    nonceOffset = 0;
  }
  const bytes = noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
