import type { JwksDocument, JwksPublisher } from "../../ports/jwks-publisher";

/** The single KV key holding the issuer's JWKS; documented in docs/storage-keys.md. */
export const JWKS_KV_KEY = "jwks:v1";

export function kvJwksPublisher(kv: KVNamespace): JwksPublisher {
  return {
    async publish(jwks) {
      await kv.put(JWKS_KV_KEY, JSON.stringify(jwks));
    },
    async read() {
      const value = await kv.get<JwksDocument>(JWKS_KV_KEY, "json");
      return value && Array.isArray(value.keys) ? value : null;
    },
  };
}
