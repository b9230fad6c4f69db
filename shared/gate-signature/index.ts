/**
 * The origin side of the gate's identity headers. Copy this folder into an
 * origin, or import it: it has no dependencies.
 */
export { verifyGateRequest, DEFAULT_MAX_AGE_SECONDS, type VerifyInput, type VerifyResult } from "./verify";
export { IDENTITY_HEADERS, isIdentityHeader, type GateIdentity } from "./identity-headers";
export { GateSigner } from "./sign";
