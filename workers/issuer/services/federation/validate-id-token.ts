import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { secretsEqual } from "../../../../shared/crypto/constant-time";
import { err, ok, type Result } from "../../../../shared/errors/result";
import { invalid, unavailable, type UpstreamFailure } from "./failures";
import { currentKeys, refreshedKeys } from "./jwks-cache";
import { MICROSOFT_TENANT_PLACEHOLDER, type ProviderMetadata } from "./provider-metadata";
import type { UpstreamCall } from "./upstream-fetch";

export const CLOCK_TOLERANCE_SECONDS = 60;

export interface IdTokenExpectations {
  readonly clientId: string;
  /** the nonce sent at the start; compared with the token's in constant time */
  readonly nonce: string;
  /** more issuers the provider is documented to use for the same keys (Google's bare host) */
  readonly alsoIssuers?: readonly string[];
}

/**
 * The id_token's signature against the provider's published keys (one refetch when it names an
 * unknown key), then its claims: iss, aud, exp, iat, nonce, azp and sub. Only then is a claim trusted.
 */
export async function validateIdToken(call: UpstreamCall, metadata: ProviderMetadata, idToken: string, expected: IdTokenExpectations, now: Date): Promise<Result<JWTPayload, UpstreamFailure>> {
  if (metadata.jwksUri === null) return err(invalid("the provider publishes no keys"));
  const keys = await currentKeys(call, metadata.jwksUri, now);
  if (!keys.ok) return keys;
  let verified = await verifyWith(keys.value, metadata, idToken, expected, now);
  if (verified === "unknown_key") {
    const again = await refreshedKeys(call, metadata.jwksUri, now);
    if (again === null) return err(invalid("the id_token names a key the provider does not publish"));
    if (!again.ok) return again;
    verified = await verifyWith(again.value, metadata, idToken, expected, now);
    if (verified === "unknown_key") return err(invalid("the id_token names a key the provider does not publish"));
  }
  if (!verified.ok) return verified;
  return await checkClaims(verified.value, metadata, expected);
}

async function verifyWith(keys: JSONWebKeySet, metadata: ProviderMetadata, idToken: string, expected: IdTokenExpectations, now: Date): Promise<Result<JWTPayload, UpstreamFailure> | "unknown_key"> {
  try {
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(keys), {
      algorithms: [...metadata.idTokenAlgorithms],
      audience: expected.clientId,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
    });
    return ok(payload);
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) return "unknown_key";
    if (error instanceof errors.JOSEError) return err(invalid(`the id_token was refused: ${error.code}`));
    return err(unavailable("the id_token could not be checked"));
  }
}

async function checkClaims(payload: JWTPayload, metadata: ProviderMetadata, expected: IdTokenExpectations): Promise<Result<JWTPayload, UpstreamFailure>> {
  const issuers = [resolvedIssuer(metadata.issuer, payload), ...(expected.alsoIssuers ?? [])];
  if (typeof payload.iss !== "string" || !issuers.includes(payload.iss)) return err(invalid("the id_token comes from another issuer"));
  if (typeof payload.sub !== "string" || payload.sub === "") return err(invalid("the id_token names no subject"));
  if (typeof payload["nonce"] !== "string" || !(await secretsEqual(payload["nonce"], expected.nonce))) return err(invalid("the id_token's nonce is not the one sent"));
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const azp = payload["azp"];
  if (azp !== undefined && azp !== expected.clientId) return err(invalid("the id_token was issued to another party (azp)"));
  if (audiences.length > 1 && azp === undefined) return err(invalid("the id_token has several audiences and no azp"));
  return ok(payload);
}

/**
 * Microsoft's multi-tenant document names `https://login.microsoftonline.com/{tenantid}/v2.0`;
 * the token's issuer must be exactly that with its own `tid` put in, as Microsoft documents.
 */
export function resolvedIssuer(issuer: string, payload: JWTPayload): string | null {
  if (!issuer.includes(MICROSOFT_TENANT_PLACEHOLDER)) return issuer;
  const tid = payload["tid"];
  if (typeof tid !== "string" || !/^[A-Za-z0-9-]{1,64}$/.test(tid)) return null;
  return issuer.replace(MICROSOFT_TENANT_PLACEHOLDER, tid);
}
