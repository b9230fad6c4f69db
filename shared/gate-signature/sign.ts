import { canonicalString, SIGNATURE_VERSION } from "./canonical-string";
import { importHmacKey, toHex, utf8 } from "./hmac";
import type { GateIdentity } from "./identity-headers";

/** Signs identity headers for one request; the key is imported once per secret. */
export class GateSigner {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: string) {
    this.#key = importHmacKey(secret, "sign");
  }

  /** The value of `X-Portcullis-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
  async sign(input: { timestamp: number; method: string; target: string; identity: GateIdentity }): Promise<string> {
    const mac = await crypto.subtle.sign("HMAC", await this.#key, utf8(canonicalString(input)));
    return `t=${input.timestamp},${SIGNATURE_VERSION}=${toHex(mac)}`;
  }
}
