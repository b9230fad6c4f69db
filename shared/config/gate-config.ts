import { integerSetting, listSetting, optionalString, requiredString, secretSetting, urlSetting, type RawEnv } from "./env-reader";

export interface GateConfig {
  readonly issuerUrl: string;
  readonly audiences: readonly string[];
  /** Empty means any tenant of the issuer. */
  readonly tenants: readonly string[];
  readonly originUrl: string;
  readonly revocationSyncMs: number;
  readonly redis: { readonly url: string; readonly token: string };
  readonly signingSecret: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

export function parseGateConfig(env: RawEnv): GateConfig {
  const audiences = listSetting(env, "GATE_AUDIENCES", []);
  if (audiences.length === 0) throw new Error("GATE_AUDIENCES must name at least one audience");
  const level = optionalString(env, "LOG_LEVEL") ?? "info";
  return Object.freeze({
    issuerUrl: urlSetting(env, "ISSUER_URL"),
    audiences,
    tenants: listSetting(env, "GATE_TENANTS", []),
    originUrl: urlSetting(env, "ORIGIN_URL"),
    // Staleness of the revocation snapshot is at most twice this; the contract allows 1 s by default.
    revocationSyncMs: integerSetting(env, "REVOCATION_SYNC_MS", 500, 50, 60_000),
    redis: { url: urlSetting(env, "UPSTASH_REDIS_REST_URL"), token: requiredString(env, "UPSTASH_REDIS_REST_TOKEN") },
    signingSecret: secretSetting(env, "GATE_SIGNING_SECRET"),
    logLevel: level === "debug" || level === "warn" || level === "error" ? level : "info",
  });
}
