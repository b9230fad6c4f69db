/**
 * A numeric one-time code of `length` digits from the CSPRNG, without modulo
 * bias: 32-bit draws at or above the largest multiple of 10^length are
 * discarded and drawn again.
 */
export function generateNumericCode(length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 10) throw new RangeError("code length must be 4..10");
  const modulus = 10 ** length;
  if (modulus > 2 ** 32) return generateNumericCode(5) + generateNumericCode(length - 5);
  const limit = Math.floor(2 ** 32 / modulus) * modulus;
  const draw = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(draw);
    const value = draw[0] ?? limit;
    if (value < limit) return String(value % modulus).padStart(length, "0");
  }
}
