import { CLIENT_ADDRESS_HEADERS, CLIENT_HEADERS, IDENTITY_HEADERS, REQUEST_ID_HEADER, SIGNATURE_HEADERS, SIGN_IN_HEADERS } from "./identity-headers";

/** The `Signature-Input` / `Signature` label of the gate's signature. */
export const SIGNATURE_LABEL = "portcullis";

/** RFC 9421 §3.3.3; the key is the UTF-8 bytes of `GATE_SIGNING_SECRET`. */
export const SIGNATURE_ALGORITHM = "hmac-sha256";

/** The `keyid` the gate signs with, so an origin can tell the gate's signature from any other. */
export const GATE_KEY_ID = "portcullis-gate";

/** How long after `created` the gate's signature `expires`. */
export const SIGNATURE_LIFETIME_SECONDS = 60;

/** Covered on every forwarded request: what was asked, of whom, with which body, under which request id. */
export const REQUEST_COMPONENTS = ["@method", "@authority", "@path", "@query", SIGNATURE_HEADERS.contentDigest, REQUEST_ID_HEADER].map(lower);

/** Covered when the caller is signed in; on a public route these headers are absent and not covered. */
export const USER_COMPONENTS = Object.values(IDENTITY_HEADERS).map(lower);

/** Covered instead of the user components when the caller is a client; never both. */
export const CLIENT_COMPONENTS = Object.values(CLIENT_HEADERS).map(lower);

/**
 * Each covered when the gate set it, beside the user components: signatures made before these
 * headers existed cover neither, and still verify (the origin then hears no `amr`).
 */
export const AMR_COMPONENT = lower(SIGN_IN_HEADERS.amr);
export const AUTH_TIME_COMPONENT = lower(SIGN_IN_HEADERS.authTime);

/** Covered when the platform reported the client's address. */
export const CLIENT_ADDRESS_COMPONENTS = Object.values(CLIENT_ADDRESS_HEADERS).map(lower);

function lower(name: string): string {
  return name.toLowerCase();
}
