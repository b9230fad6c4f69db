import { hashPassword, verifyPassword } from "../../../shared/crypto/password-hash";

/**
 * Argon2id as the account services use it. Passed in rather than imported by each
 * service, so a test can watch every hash and verification a request makes (the
 * same work for an unknown address as for a wrong password) with the real function.
 */
export interface PasswordHashing {
  hash(normalized: string): Promise<string>;
  verify(phc: string, normalized: string): Promise<{ valid: boolean; needsRehash: boolean }>;
}

export const argon2idPasswords: PasswordHashing = { hash: hashPassword, verify: verifyPassword };
