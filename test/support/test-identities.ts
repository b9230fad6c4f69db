/**
 * Fresh callers for tests that drive sign-in, shared by the issuer's and the
 * gate's suites: a client address and a phone no other test uses, and the code
 * read out of an SMS in the sandbox.
 */

let ipCounter = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;

/** Each call is a new client address, so the per-IP limit of one test never touches another. */
export function freshIp(): string {
  ipCounter = (ipCounter + 1) >>> 0;
  return `10.${(ipCounter >>> 16) & 255}.${(ipCounter >>> 8) & 255}.${ipCounter & 255}`;
}

/** A valid US number no other test uses, outside the sandbox's VOIP ranges (last four digits 0180–0199). */
export function freshPhone(): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  const exchange = 200 + ((random[0] ?? 0) % 800);
  const line = 2000 + ((random[1] ?? 0) % 8000);
  return `+1415${exchange}${line}`;
}

/** The code in a verification SMS, as the contract words it; null when there is none. */
export function codeInSms(body: string | undefined): string | null {
  return (body && /code is: (\d+)\./.exec(body)?.[1]) ?? null;
}
