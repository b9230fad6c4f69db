const encoder = new TextEncoder();

/**
 * Compares two secrets without leaking where they differ. Both sides are
 * hashed first so the comparison runs over equal-length digests and the time
 * does not depend on the secret's length either.
 */
export async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(presented), digest(expected)]);
  return bytesEqual(a, b);
}

/** Constant-time equality of two byte strings of the same length. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}

async function digest(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}
