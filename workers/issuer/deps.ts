import { kvJwksPublisher } from "../../shared/adapters/kv/jwks-publisher";
import { createDatabase, type Database } from "../../shared/adapters/neon/database";
import { databaseProbe } from "../../shared/adapters/neon/database-probe";
import { neonSigningKeyStore } from "../../shared/adapters/neon/signing-key-store";
import { createRedis } from "../../shared/adapters/upstash/redis-client";
import { redisProbe } from "../../shared/adapters/upstash/redis-probe";
import { parseIssuerConfig, type IssuerConfig } from "../../shared/config/issuer-config";
import { createLogger, type Logger } from "../../shared/logging/logger";
import type { DependencyProbe } from "../../shared/ports/dependency-probe";
import { SigningKeyService } from "./services/signing-keys";

export interface IssuerDeps {
  readonly config: IssuerConfig;
  readonly logger: Logger;
  readonly db: Database;
  readonly probes: { readonly database: DependencyProbe; readonly redis: DependencyProbe };
  readonly signingKeys: SigningKeyService;
}

const built = new WeakMap<Env, IssuerDeps>();

/** The composition root: the only place that knows both Env and the adapters. Built once per isolate. */
export function issuerDeps(env: Env): IssuerDeps {
  const existing = built.get(env);
  if (existing) return existing;
  const config = parseIssuerConfig(env as unknown as Record<string, unknown>);
  const db = createDatabase(config.database);
  const redis = createRedis(config.redis);
  const deps: IssuerDeps = {
    config,
    logger: createLogger("issuer", config.logLevel),
    db,
    probes: { database: databaseProbe(db), redis: redisProbe(redis) },
    signingKeys: new SigningKeyService({
      store: neonSigningKeyStore(db),
      publisher: kvJwksPublisher(env.JWKS_KV),
      keyEncryptionSecret: config.keyEncryptionSecret,
      now: () => new Date(),
    }),
  };
  built.set(env, deps);
  return deps;
}
