import type { JwksDocument } from "./jwks-publisher";

/** Somewhere the gate can read the issuer's JWKS from. */
export interface JwksSource {
  read(): Promise<JwksDocument | null>;
}
