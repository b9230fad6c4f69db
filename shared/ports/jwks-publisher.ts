import type { PublicSigningJwk } from "../crypto/es256-keys";

export interface JwksDocument {
  readonly keys: readonly PublicSigningJwk[];
}

/** Where the gate reads the JWKS from without calling the issuer. */
export interface JwksPublisher {
  publish(jwks: JwksDocument): Promise<void>;
  read(): Promise<JwksDocument | null>;
}
