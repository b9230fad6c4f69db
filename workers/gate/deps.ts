import { timedProbe } from "../../shared/adapters/timed-probe";
import { issuerJwksSource } from "../../shared/adapters/issuer-binding/jwks-source";
import { kvJwksPublisher } from "../../shared/adapters/kv/jwks-publisher";
import { createRedis } from "../../shared/adapters/upstash/redis-client";
import { redisProbe } from "../../shared/adapters/upstash/redis-probe";
import { parseGateConfig, type GateConfig } from "../../shared/config/gate-config";
import { createLogger, type Logger } from "../../shared/logging/logger";
import type { DependencyProbe } from "../../shared/ports/dependency-probe";
import type { JwksSource } from "../../shared/ports/jwks-source";

export interface GateDeps {
  readonly config: GateConfig;
  readonly logger: Logger;
  readonly jwksSources: { readonly kv: JwksSource; readonly issuer: JwksSource };
  readonly probes: { readonly jwks: DependencyProbe; readonly revocation: DependencyProbe };
}

const built = new WeakMap<Env, GateDeps>();

export function gateDeps(env: Env): GateDeps {
  const existing = built.get(env);
  if (existing) return existing;
  const config = parseGateConfig(env as unknown as Record<string, unknown>);
  const kv = kvJwksPublisher(env.JWKS_KV);
  const issuer = issuerJwksSource(env.ISSUER, config.issuerUrl);
  const deps: GateDeps = {
    config,
    logger: createLogger("gate", config.logLevel),
    jwksSources: { kv, issuer },
    probes: {
      // The JWKS is usable if KV has keys, or failing that, the issuer can hand them over.
      jwks: timedProbe(async () => hasKeys(await kv.read()) || hasKeys(await issuer.read())),
      revocation: redisProbe(createRedis(config.redis)),
    },
  };
  built.set(env, deps);
  return deps;
}

function hasKeys(jwks: { keys: readonly unknown[] } | null): boolean {
  return jwks !== null && jwks.keys.length > 0;
}
