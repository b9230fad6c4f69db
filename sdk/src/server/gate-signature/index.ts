/**
 * The origin side of the gate's RFC 9421 signature. Copy this folder into an
 * origin, or import it: it has no dependencies beyond WebCrypto.
 */
export {
  verifyGateRequest,
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_MAX_AGE_SECONDS,
  type HeaderSource,
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
} from "./verify";
export { CLIENT_ADDRESS_HEADERS, CLIENT_HEADERS, IDENTITY_HEADERS, REQUEST_ID_HEADER, SIGN_IN_HEADERS, isGateOwnedHeader, type ClientIdentity, type GateIdentity, type UserIdentity } from "./identity-headers";
export { GATE_KEY_ID, SIGNATURE_ALGORITHM, SIGNATURE_LABEL, SIGNATURE_LIFETIME_SECONDS } from "./signature-policy";
export { GateSigner } from "./sign";
