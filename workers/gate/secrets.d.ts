/**
 * The gate's secrets, set with `wrangler secret put NAME -c workers/gate/wrangler.toml`
 * (locally: workers/gate/.dev.vars). They are not in wrangler.toml, so `wrangler types`
 * cannot see them; these declarations merge into the generated `Env`.
 */
interface GateSecrets {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  GATE_SIGNING_SECRET: string;
}

declare namespace Cloudflare {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the secrets into the generated interface
  interface Env extends GateSecrets {}
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the secrets into the generated interface
interface Env extends GateSecrets {}
