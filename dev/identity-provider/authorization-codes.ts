import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { TestUser } from "./test-users";

/** How long a code or a pending login lives, like the real providers' ten minutes. */
export const CODE_TTL_MS = 10 * 60 * 1000;

export interface PendingAuthorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string | null;
  readonly scope: string;
  readonly nonce: string | null;
  readonly codeChallenge: string | null;
  readonly expiresAt: number;
}

export interface IssuedCode extends PendingAuthorization {
  readonly user: TestUser;
}

/** Pending logins (by an opaque id in the login form's URL) and single-use codes, in memory. */
export class AuthorizationCodes {
  readonly #pending = new Map<string, PendingAuthorization>();
  readonly #codes = new Map<string, IssuedCode>();

  begin(request: Omit<PendingAuthorization, "expiresAt">): string {
    const id = randomBytes(16).toString("base64url");
    this.#pending.set(id, { ...request, expiresAt: Date.now() + CODE_TTL_MS });
    return id;
  }

  /** Takes a pending login: each can finish once. */
  takePending(id: string): PendingAuthorization | null {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    return pending && pending.expiresAt > Date.now() ? pending : null;
  }

  issue(pending: PendingAuthorization, user: TestUser): string {
    const code = randomBytes(20).toString("hex");
    this.#codes.set(code, { ...pending, user, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  /** Redeems a code once: a second redemption finds nothing. */
  redeem(code: string): IssuedCode | null {
    const issued = this.#codes.get(code);
    this.#codes.delete(code);
    return issued && issued.expiresAt > Date.now() ? issued : null;
  }
}

/** RFC 7636 §4.6 with S256, compared in constant time. */
export function verifierMatches(codeChallenge: string, codeVerifier: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(codeVerifier).digest("base64url"));
  const expected = Buffer.from(codeChallenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

export function secretMatches(expected: string, given: string): boolean {
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(given).digest();
  return timingSafeEqual(a, b);
}
