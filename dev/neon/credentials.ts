import { createHash, timingSafeEqual } from "node:crypto";

export interface DatabaseCredentials {
  readonly user: string;
  readonly password: string;
}

/**
 * Checks user and password without leaking where they differ: both sides are
 * hashed first, so the comparison runs over equal-length digests and its time
 * does not depend on the secret's length either. Both parts are always
 * compared, so a wrong user costs the same as a wrong password.
 */
export function credentialsMatch(presented: DatabaseCredentials, expected: DatabaseCredentials): boolean {
  const userMatches = timingSafeEqual(digest(presented.user), digest(expected.user));
  const passwordMatches = timingSafeEqual(digest(presented.password), digest(expected.password));
  return userMatches && passwordMatches;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
