import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

/** A private signing key as a JWK with `kid`, `alg` and `use`. */
export type PrivateSigningKey = JWK & { readonly kid: string; readonly alg: string };

export async function newSigningKey(alg: "RS256" | "ES256" = "RS256"): Promise<PrivateSigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `${alg.toLowerCase()}-${crypto.randomUUID()}`, alg, use: "sig" };
}

/** Signing keys of each stand-in, by name ("generic", "google", …), kept in a file when one is given. */
export class SigningKeys {
  readonly #file: string | undefined;
  readonly #keys: Record<string, PrivateSigningKey>;

  private constructor(file: string | undefined, keys: Record<string, PrivateSigningKey>) {
    this.#file = file;
    this.#keys = keys;
  }

  static load(file: string | undefined): SigningKeys {
    const keys = file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, PrivateSigningKey>) : {};
    return new SigningKeys(file, keys);
  }

  async get(name: string, alg: "RS256" | "ES256" = "RS256"): Promise<PrivateSigningKey> {
    return this.#keys[name] ?? (await this.rotate(name, alg));
  }

  /** Replaces the key: the old one is gone from the JWKS at once. */
  async rotate(name: string, alg: "RS256" | "ES256" = "RS256"): Promise<PrivateSigningKey> {
    const key = await newSigningKey(alg);
    this.#keys[name] = key;
    if (this.#file) {
      mkdirSync(dirname(this.#file), { recursive: true });
      writeFileSync(this.#file, JSON.stringify(this.#keys), { mode: 0o600 });
    }
    return key;
  }
}

const PRIVATE_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]);

export function publicJwk(key: PrivateSigningKey): JWK {
  return Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.has(name)));
}
