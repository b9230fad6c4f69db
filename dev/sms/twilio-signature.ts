import { createHmac } from "node:crypto";

/**
 * `X-Twilio-Signature` as Twilio computes it: HMAC-SHA1 keyed by the auth token over
 * the callback URL followed by each POST parameter's name and value, names sorted
 * (values of a repeated name deduplicated and sorted), base64. Written with
 * node:crypto, apart from the issuer's WebCrypto verifier, so each checks the other.
 */
export function signTwilioRequest(authToken: string, url: string, params: ReadonlyArray<readonly [string, string]>): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) byName.set(name, (byName.get(name) ?? new Set<string>()).add(value));
  let data = url;
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...(byName.get(name) ?? [])].sort()) data += name + value;
  }
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}
