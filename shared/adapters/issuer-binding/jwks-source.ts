import type { JwksDocument } from "../../ports/jwks-publisher";
import type { JwksSource } from "../../ports/jwks-source";

/** Reads /.well-known/jwks.json from the issuer over a service binding (no public network hop). */
export function issuerJwksSource(issuer: Fetcher, issuerUrl: string): JwksSource {
  return {
    async read() {
      const response = await issuer.fetch(`${issuerUrl}/.well-known/jwks.json`, { headers: { Accept: "application/json" } });
      if (!response.ok) return null;
      const body: unknown = await response.json();
      return isJwks(body) ? body : null;
    },
  };
}

function isJwks(value: unknown): value is JwksDocument {
  return typeof value === "object" && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}
