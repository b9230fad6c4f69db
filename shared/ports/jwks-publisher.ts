import type { PublishedJwk } from "./signing-key-store";

export interface JwksDocument {
  readonly keys: readonly PublishedJwk[];
  /**
   * Only in the copy for the gates (KV), never in the public JWKS: kids the
   * operator withdrew while tokens they signed may still be unexpired. A gate
   * drops these keys, and every token it verified with them, when it reads this.
   */
  readonly withdrawn?: readonly string[];
}

/** Where the gate reads the JWKS from without calling the issuer. */
export interface JwksPublisher {
  publish(jwks: JwksDocument): Promise<void>;
  read(): Promise<JwksDocument | null>;
}
