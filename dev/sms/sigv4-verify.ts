import { timingSafeEqual } from "node:crypto";
import { parseSigV4Authorization } from "./sigv4-authorization";
import { canonicalRequest, headerValue, hmac, sha256Hex, SIGV4_ALGORITHM, signingKey, stringToSign, type ReceivedRequest } from "./sigv4-canonical";
import { sameSecret } from "./secret-compare";

/** AWS refuses a signature made more than 15 minutes before or after its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export type SigV4FailureCode = "MissingAuthenticationToken" | "IncompleteSignature" | "InvalidClientTokenId" | "SignatureDoesNotMatch" | "RequestExpired";

export type SigV4Verdict = { readonly ok: true } | { readonly ok: false; readonly code: SigV4FailureCode; readonly message: string };

export interface SigV4Expectations {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  readonly now: Date;
}

/** Verifies an AWS Signature Version 4 `Authorization` header the way AWS does, with node:crypto only. */
export function verifySigV4(request: ReceivedRequest, expected: SigV4Expectations): SigV4Verdict {
  const header = headerValue(request.rawHeaders, "authorization");
  if (header === undefined) return failure("MissingAuthenticationToken", "Request is missing Authentication Token");
  const authorization = parseSigV4Authorization(header);
  if (!authorization) {
    return failure("IncompleteSignature", `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters with the ${SIGV4_ALGORITHM} algorithm.`);
  }
  const amzDate = headerValue(request.rawHeaders, "x-amz-date");
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    return failure("IncompleteSignature", "Authorization header requires existence of a valid 'X-Amz-Date' header.");
  }
  for (const required of ["host", "x-amz-date"]) {
    if (!authorization.signedHeaders.includes(required)) return failure("IncompleteSignature", `'${required}' must be a signed header.`);
  }
  if (Math.abs(expected.now.getTime() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
    return failure("RequestExpired", `Request has expired: signed at ${amzDate}, more than 15 minutes from the server's time ${formatAmzDate(expected.now)}.`);
  }
  if (!sameSecret(authorization.accessKeyId, expected.accessKeyId)) {
    return failure("InvalidClientTokenId", "The security token included in the request is invalid.");
  }
  if (authorization.date !== amzDate.slice(0, 8)) {
    return failure("SignatureDoesNotMatch", `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.date}' != '${amzDate.slice(0, 8)}'.`);
  }
  if (authorization.region !== expected.region) {
    return failure("SignatureDoesNotMatch", `Credential should be scoped to a valid region, not '${authorization.region}'.`);
  }
  if (authorization.service !== expected.service) {
    return failure("SignatureDoesNotMatch", `Credential should be scoped to correct service: '${expected.service}'.`);
  }
  if (authorization.terminator !== "aws4_request") {
    return failure("SignatureDoesNotMatch", `Credential should be scoped with a valid terminator: 'aws4_request', not '${authorization.terminator}'.`);
  }
  // The payload hash is always computed from the bytes received; a declared one must agree with it.
  const payloadHash = sha256Hex(request.body);
  const declaredHash = headerValue(request.rawHeaders, "x-amz-content-sha256");
  if (declaredHash !== undefined && declaredHash !== payloadHash) {
    return failure("SignatureDoesNotMatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const scope = `${authorization.date}/${authorization.region}/${authorization.service}/aws4_request`;
  const canonical = canonicalRequest(request, authorization.signedHeaders, payloadHash);
  const key = signingKey(expected.secretAccessKey, authorization.date, authorization.region, authorization.service);
  const computed = hmac(key, stringToSign(amzDate, scope, canonical));
  // Both are 32 bytes: the presented signature was checked to be 64 hex digits when parsed.
  if (!timingSafeEqual(computed, Buffer.from(authorization.signature, "hex"))) {
    return failure(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return { ok: true };
}

function failure(code: SigV4FailureCode, message: string): SigV4Verdict {
  return { ok: false, code, message };
}

/** `20150830T123600Z` → Date; `undefined` when not in that exact form. */
function parseAmzDate(value: string): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!parts) return undefined;
  const date = new Date(`${parts[1]}-${parts[2]}-${parts[3]}T${parts[4]}:${parts[5]}:${parts[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, "");
}
