/**
 * The relying party's checks of WebAuthn Level 3 ceremonies (§7.1 registration, §7.2
 * authentication): @oslojs/webauthn parses the CBOR and binary structures, WebCrypto checks
 * the signatures. Attestation is not verified: options ask for `none`, so a statement, if an
 * authenticator sends one anyway, proves nothing we rely on.
 */
import { decodePKIXECDSASignature, p256 } from "@oslojs/crypto/ecdsa";
import {
  ClientDataType,
  COSEKeyType,
  coseAlgorithmES256,
  coseAlgorithmRS256,
  coseEllipticCurveP256,
  createAssertionSignatureMessage,
  parseAttestationObject,
  parseAuthenticatorData,
  parseClientDataJSON,
  type AuthenticatorData,
  type COSEPublicKey,
} from "@oslojs/webauthn";
import { err, ok, type Result } from "../errors/result";
import { decodeBase64Url, encodeBase64Url } from "./base64url";
import { cborMapByteString } from "./cbor-map-value";
import { bytesEqual } from "./constant-time";

/** The COSE algorithms a passkey may use (§5.8.3): ES256 and RS256, in the order offered. */
export const PASSKEY_ALGORITHMS = [coseAlgorithmES256, coseAlgorithmRS256] as const;
export type PasskeyAlgorithm = (typeof PASSKEY_ALGORITHMS)[number];

/** RSA keys shorter than this are refused (NIST SP 800-131A). */
const MIN_RSA_MODULUS_BITS = 2048;
/** §5.1: a credential id is at most 1023 bytes. */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/** Why a ceremony failed: for audit and logs only, the client hears `invalid_credential`. */
export type WebauthnRejection =
  | "malformed"
  | "wrong_type"
  | "wrong_challenge"
  | "wrong_origin"
  | "cross_origin"
  | "wrong_rp_id"
  | "user_not_present"
  | "user_not_verified"
  | "unsupported_algorithm"
  | "bad_signature"
  | "credential_id_mismatch";

/** What the server issued and accepts for one ceremony. */
export interface CeremonyExpectation {
  readonly challenge: Uint8Array;
  readonly rpId: string;
  readonly origins: readonly string[];
}

export interface RegistrationResponse {
  readonly id: string;
  readonly clientDataJSON: string;
  readonly attestationObject: string;
}

export interface AssertionResponse {
  readonly id: string;
  readonly clientDataJSON: string;
  readonly authenticatorData: string;
  readonly signature: string;
}

export interface RegisteredCredential {
  /** base64url, as browsers spell it. */
  readonly credentialId: string;
  /** The public key as a JWK (JSON text), ready for WebCrypto. */
  readonly publicKey: string;
  readonly algorithm: PasskeyAlgorithm;
  readonly signCount: number;
  /** Lowercase UUID; all zeros for authenticators that do not say. */
  readonly aaguid: string;
  readonly backedUp: boolean;
}

export interface StoredCredentialKey {
  readonly publicKey: string;
  readonly algorithm: number;
}

export interface VerifiedAssertion {
  readonly signCount: number;
  readonly backedUp: boolean;
}

/** §7.1, steps 5-26 for `attestation: "none"` with user verification required. */
export async function verifyRegistration(response: RegistrationResponse, expected: CeremonyExpectation): Promise<Result<RegisteredCredential, WebauthnRejection>> {
  const clientDataBytes = decodeBase64Url(response.clientDataJSON);
  const attestationBytes = decodeBase64Url(response.attestationObject);
  if (!clientDataBytes || !attestationBytes) return err("malformed");
  const clientData = checkClientData(clientDataBytes, ClientDataType.Create, expected);
  if (!clientData.ok) return clientData;
  let authenticatorData: AuthenticatorData;
  try {
    authenticatorData = parseAttestationObject(attestationBytes).authenticatorData;
  } catch {
    return err("malformed");
  }
  const flags = await checkAuthenticatorData(authenticatorData, attestationFlags(attestationBytes), expected.rpId);
  if (!flags.ok) return flags;
  const credential = authenticatorData.credential;
  if (!credential || credential.id.length === 0 || credential.id.length > MAX_CREDENTIAL_ID_BYTES) return err("malformed");
  const credentialId = encodeBase64Url(credential.id);
  if (credentialId !== response.id) return err("credential_id_mismatch");
  const key = publicKeyJwk(credential.publicKey);
  if (!key.ok) return key;
  // Importing proves the key is usable (an EC point on the curve, a sane RSA modulus).
  if ((await importPublicKey(key.value.jwk, key.value.algorithm)) === null) return err("unsupported_algorithm");
  return ok({
    credentialId,
    publicKey: JSON.stringify(key.value.jwk),
    algorithm: key.value.algorithm,
    signCount: authenticatorData.signatureCounter,
    aaguid: formatAaguid(credential.authenticatorAAGUID),
    backedUp: flags.value.backedUp,
  });
}

/** §7.2, steps 5-21, except the credential lookup and the counter, which the caller owns. */
export async function verifyAssertion(response: AssertionResponse, expected: CeremonyExpectation, stored: StoredCredentialKey): Promise<Result<VerifiedAssertion, WebauthnRejection>> {
  const clientDataBytes = decodeBase64Url(response.clientDataJSON);
  const authenticatorBytes = decodeBase64Url(response.authenticatorData);
  const signature = decodeBase64Url(response.signature);
  if (!clientDataBytes || !authenticatorBytes || !signature) return err("malformed");
  const clientData = checkClientData(clientDataBytes, ClientDataType.Get, expected);
  if (!clientData.ok) return clientData;
  let authenticatorData: AuthenticatorData;
  try {
    authenticatorData = parseAuthenticatorData(authenticatorBytes);
  } catch {
    return err("malformed");
  }
  const flags = await checkAuthenticatorData(authenticatorData, authenticatorBytes[32] ?? 0, expected.rpId);
  if (!flags.ok) return flags;
  const valid = await verifySignature(stored, signature, createAssertionSignatureMessage(authenticatorBytes, clientDataBytes));
  if (!valid) return err("bad_signature");
  return ok({ signCount: authenticatorData.signatureCounter, backedUp: flags.value.backedUp });
}

function checkClientData(bytes: Uint8Array, type: ClientDataType, expected: CeremonyExpectation): Result<null, WebauthnRejection> {
  let clientData: ReturnType<typeof parseClientDataJSON>;
  try {
    clientData = parseClientDataJSON(bytes);
  } catch {
    return err("malformed");
  }
  if (clientData.type !== type) return err("wrong_type");
  if (!bytesEqual(clientData.challenge, expected.challenge)) return err("wrong_challenge");
  if (!expected.origins.includes(clientData.origin)) return err("wrong_origin");
  // An iframe on another site may not run our ceremony (§7.1 step 10, topOrigin).
  if (clientData.crossOrigin === true) return err("cross_origin");
  return ok(null);
}

const BACKUP_ELIGIBLE = 0x08;
const BACKED_UP = 0x10;

async function checkAuthenticatorData(data: AuthenticatorData, flags: number, rpId: string): Promise<Result<{ backedUp: boolean }, WebauthnRejection>> {
  const rpIdHash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rpId)));
  if (!bytesEqual(data.relyingPartyIdHash, rpIdHash)) return err("wrong_rp_id");
  if (!data.userPresent) return err("user_not_present");
  if (!data.userVerified) return err("user_not_verified");
  // §6.1: a credential cannot be backed up unless it is eligible.
  if ((flags & BACKED_UP) !== 0 && (flags & BACKUP_ELIGIBLE) === 0) return err("malformed");
  return ok({ backedUp: (flags & BACKED_UP) !== 0 });
}

/** The flags byte of the authenticator data inside an attestation object (oslo does not expose BE/BS). */
function attestationFlags(attestationObject: Uint8Array): number {
  return cborMapByteString(attestationObject, "authData")?.[32] ?? 0;
}

type PublicJwk = { kty: "EC"; crv: "P-256"; x: string; y: string } | { kty: "RSA"; n: string; e: string };

function publicKeyJwk(key: COSEPublicKey): Result<{ jwk: PublicJwk; algorithm: PasskeyAlgorithm }, WebauthnRejection> {
  try {
    const algorithm = key.algorithm();
    if (algorithm === coseAlgorithmES256 && key.type() === COSEKeyType.EC2) {
      const ec2 = key.ec2();
      if (ec2.curve !== coseEllipticCurveP256) return err("unsupported_algorithm");
      return ok({ jwk: { kty: "EC", crv: "P-256", x: encodeBase64Url(bigIntBytes(ec2.x, 32)), y: encodeBase64Url(bigIntBytes(ec2.y, 32)) }, algorithm });
    }
    if (algorithm === coseAlgorithmRS256 && key.type() === COSEKeyType.RSA) {
      const rsa = key.rsa();
      if (rsa.n.toString(2).length < MIN_RSA_MODULUS_BITS) return err("unsupported_algorithm");
      return ok({ jwk: { kty: "RSA", n: encodeBase64Url(bigIntBytes(rsa.n)), e: encodeBase64Url(bigIntBytes(rsa.e)) }, algorithm });
    }
    return err("unsupported_algorithm");
  } catch {
    return err("malformed");
  }
}

async function importPublicKey(jwk: PublicJwk, algorithm: number): Promise<CryptoKey | null> {
  try {
    if (algorithm === coseAlgorithmES256 && jwk.kty === "EC") return await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    if (algorithm === coseAlgorithmRS256 && jwk.kty === "RSA") return await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
    return null;
  } catch {
    return null;
  }
}

async function verifySignature(stored: StoredCredentialKey, signature: Uint8Array<ArrayBuffer>, message: Uint8Array): Promise<boolean> {
  let jwk: PublicJwk;
  try {
    jwk = JSON.parse(stored.publicKey) as PublicJwk;
  } catch {
    return false;
  }
  const key = await importPublicKey(jwk, stored.algorithm);
  if (!key) return false;
  const data = new Uint8Array(message);
  try {
    if (stored.algorithm === coseAlgorithmES256) {
      // WebAuthn ES256 signatures are DER (§6.5.5); WebCrypto wants r‖s.
      const raw = new Uint8Array(decodePKIXECDSASignature(signature).encodeIEEEP1363(p256));
      return await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, raw, data);
    }
    return await crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, signature, data);
  } catch {
    return false;
  }
}

function bigIntBytes(value: bigint, length?: number): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (length !== undefined) hex = hex.padStart(length * 2, "0");
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

function formatAaguid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
