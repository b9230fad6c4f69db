import { isSupportedAlgorithm } from "../crypto/compact-jws";
import { isId } from "../crypto/ids";
import { parsePolicy, type GatePolicy } from "../domain/gate-policy";
import { ConfigError, credentialSetting, credentialUrl, integerSetting, listSetting, localStackSetting, optionalString, secretSetting, urlSetting, type RawEnv } from "./env-reader";

/** `GATE_TENANTS` written out to mean any tenant of the issuer. */
export const ANY_TENANT = "*";

/**
 * The tenants whose tokens a gate accepts. There is no default: a gate in
 * front of one tenant's app that served every tenant would let a tenant that
 * grants itself `admin` into another tenant's admin routes. `unset` (the
 * variable missing or empty) makes the gate refuse to serve.
 */
export type TenantScope = { readonly kind: "any" } | { readonly kind: "listed"; readonly ids: readonly string[] } | { readonly kind: "unset" };

export interface GateConfig {
  readonly issuerUrl: string;
  readonly audiences: readonly string[];
  readonly tenants: TenantScope;
  readonly originUrl: string;
  readonly revocationSyncMs: number;
  readonly redis: { readonly url: string; readonly token: string };
  readonly signingSecret: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  /** `alg` values accepted in access tokens (default ES256). */
  readonly algorithms: readonly string[];
  /** Route rules, validated at startup (`GATE_POLICY`, JSON). */
  readonly policy: GatePolicy;
  /** `snapshot` (default): per-isolate copy synced every `revocationSyncMs`; `strict`: ask Upstash on every request. */
  readonly revocationMode: "snapshot" | "strict";
}

export function parseGateConfig(env: RawEnv): GateConfig {
  const audiences = listSetting(env, "GATE_AUDIENCES", []);
  if (audiences.length === 0) throw new Error("GATE_AUDIENCES must name at least one audience");
  const level = optionalString(env, "LOG_LEVEL") ?? "info";
  return Object.freeze({
    issuerUrl: urlSetting(env, "ISSUER_URL"),
    audiences,
    tenants: tenantScopeSetting(env),
    originUrl: urlSetting(env, "ORIGIN_URL"),
    // Staleness of the revocation snapshot is at most twice this; the contract allows 1 s by default.
    revocationSyncMs: integerSetting(env, "REVOCATION_SYNC_MS", 500, 50, 60_000),
    redis: {
      url: credentialUrl("UPSTASH_REDIS_REST_URL", credentialSetting(env, "UPSTASH_REDIS_REST_URL"), localStackSetting(env)),
      token: credentialSetting(env, "UPSTASH_REDIS_REST_TOKEN"),
    },
    signingSecret: secretSetting(env, "GATE_SIGNING_SECRET"),
    logLevel: level === "debug" || level === "warn" || level === "error" ? level : "info",
    algorithms: algorithmsSetting(env),
    policy: policySetting(env),
    revocationMode: revocationModeSetting(env),
  });
}

function tenantScopeSetting(env: RawEnv): TenantScope {
  const listed = listSetting(env, "GATE_TENANTS", []);
  if (listed.length === 0) return { kind: "unset" };
  if (listed.includes(ANY_TENANT)) {
    if (listed.length > 1) throw new ConfigError(`GATE_TENANTS: ${ANY_TENANT} stands alone; it cannot be combined with tenant ids`);
    return { kind: "any" };
  }
  for (const id of listed) if (!isId("tn", id)) throw new ConfigError("GATE_TENANTS must be * or a comma-separated list of tenant ids (tn_…)");
  return { kind: "listed", ids: listed };
}

function algorithmsSetting(env: RawEnv): readonly string[] {
  const algorithms = listSetting(env, "GATE_ALGORITHMS", ["ES256"]);
  for (const alg of algorithms) {
    if (!isSupportedAlgorithm(alg)) throw new ConfigError(`GATE_ALGORITHMS: ${alg} is not an accepted algorithm (asymmetric ECDSA only)`);
  }
  return algorithms;
}

function policySetting(env: RawEnv): GatePolicy {
  const raw = optionalString(env, "GATE_POLICY");
  if (raw === undefined) return [];
  try {
    return parsePolicy(JSON.parse(raw));
  } catch (error) {
    throw new ConfigError(`GATE_POLICY is not a valid policy: ${error instanceof Error ? error.message.split("\n")[0] ?? "" : "unreadable"}`);
  }
}

function revocationModeSetting(env: RawEnv): "snapshot" | "strict" {
  const mode = optionalString(env, "GATE_REVOCATION_MODE") ?? "snapshot";
  if (mode !== "snapshot" && mode !== "strict") throw new ConfigError("GATE_REVOCATION_MODE must be snapshot or strict");
  return mode;
}
