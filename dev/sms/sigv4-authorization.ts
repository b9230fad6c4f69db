import { SIGV4_ALGORITHM } from "./sigv4-canonical";

export interface SigV4Authorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sns/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=<64 hex>`; `null` when any part is missing or malformed.
 */
export function parseSigV4Authorization(header: string): SigV4Authorization | null {
  const prefix = `${SIGV4_ALGORITHM} `;
  if (!header.startsWith(prefix)) return null;
  const fields = new Map<string, string>();
  for (const part of header.slice(prefix.length).split(",")) {
    const separator = part.indexOf("=");
    if (separator === -1) return null;
    fields.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  const credential = fields.get("Credential")?.split("/");
  const signedHeaders = fields.get("SignedHeaders")?.split(";");
  const signature = fields.get("Signature");
  if (credential?.length !== 5 || !signedHeaders || signature === undefined) return null;
  const [accessKeyId, date, region, service, terminator] = credential as [string, string, string, string, string];
  if (accessKeyId === "" || !/^\d{8}$/.test(date) || !/^[0-9a-f]{64}$/.test(signature)) return null;
  if (signedHeaders.some((name) => name === "" || name !== name.toLowerCase())) return null;
  return { accessKeyId, date, region, service, terminator, signedHeaders, signature };
}
