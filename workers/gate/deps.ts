import { cacheNamespace, fanInRevocationReader } from "../../shared/adapters/cache/revocation-fan-in";
import { timedProbe } from "../../shared/adapters/timed-probe";
import { issuerJwksSource } from "../../shared/adapters/issuer-binding/jwks-source";
import { kvJwksPublisher } from "../../shared/adapters/kv/jwks-publisher";
import { upstashRevocationReader } from "../../shared/adapters/upstash/revocation-reader";
import { parseGateConfig, type GateConfig, type TenantScope } from "../../shared/config/gate-config";
import { GateSigner } from "../../sdk/src/server/gate-signature/sign";
import { createLogger, type Logger } from "../../shared/logging/logger";
import type { DependencyProbe } from "../../shared/ports/dependency-probe";
import type { RevocationReader } from "../../shared/ports/revocation-reader";
import { forwardTarget, type ForwardTarget } from "./services/forward";
import { RouteDecisions } from "./services/route-decisions";
import { JwksCache } from "./validation/jwks-cache";
import { RevocationSnapshot, SYNC_OVERLAP_MS } from "./validation/revocation-snapshot";
import { TokenValidator } from "./validation/token-validator";
import { VerifiedTokenCache } from "./validation/verified-token-cache";

export interface GateDeps {
  readonly config: GateConfig;
  readonly logger: Logger;
  readonly jwks: JwksCache;
  readonly tokens: TokenValidator;
  readonly verified: VerifiedTokenCache;
  readonly revocationReader: RevocationReader;
  readonly revocations: RevocationSnapshot;
  readonly signer: GateSigner;
  readonly origin: ForwardTarget;
  readonly routes: RouteDecisions;
  readonly probes: { readonly jwks: DependencyProbe; readonly revocation: DependencyProbe };
}

/** An optional service binding to the origin, added by operators in wrangler.toml. */
type GateEnv = Env & { readonly ORIGIN?: Fetcher };

/**
 * Built once per isolate and env: the key cache, the verified-token cache and
 * the revocation snapshot live as long as the isolate, which is the point.
 */
const built = new WeakMap<Env, GateDeps>();

export function gateDeps(env: GateEnv): GateDeps {
  const existing = built.get(env);
  if (existing) return existing;
  const config = parseGateConfig(env as unknown as Record<string, unknown>);
  const jwks = new JwksCache({ kv: kvJwksPublisher(env.JWKS_KV), issuer: issuerJwksSource(env.ISSUER, config.issuerUrl) });
  // The verified-token cache forgets a key's tokens when the key cache drops the key (withdrawn, or long unseen).
  const verified = new VerifiedTokenCache();
  jwks.onKeyDropped((kid) => verified.evictKid(kid));
  const revocationReader = upstashRevocationReader(config.redis);
  // Isolates of one data center share their syncs through the Cache API, so Upstash sees about
  // one read per quarter sync interval per location, not one per isolate. The snapshot gives up
  // that quarter of its own allowance, so staleness stays within 2 × REVOCATION_SYNC_MS.
  const bucketMs = Math.max(25, Math.floor(config.revocationSyncMs / 4));
  const sharedReader = fanInRevocationReader(revocationReader, caches.default, {
    bucketMs,
    recentSpanMs: SYNC_OVERLAP_MS + 2 * config.revocationSyncMs + bucketMs + 10_000,
    namespace: cacheNamespace(config.redis.url),
  });
  const revocations = new RevocationSnapshot(sharedReader, config.revocationSyncMs, bucketMs);
  const deps: GateDeps = {
    config,
    logger: createLogger("gate", config.logLevel),
    jwks,
    verified,
    tokens: new TokenValidator(
      { issuer: config.issuerUrl, audiences: new Set(config.audiences), tenants: tenantSet(config.tenants), algorithms: new Set(config.algorithms) },
      jwks,
      verified,
    ),
    revocationReader,
    revocations,
    signer: new GateSigner(config.signingSecret),
    origin: forwardTarget(config.originUrl, env.ORIGIN),
    routes: new RouteDecisions(config.policy),
    probes: {
      // Keys in memory, else KV, else the issuer: the same fallbacks a request uses.
      jwks: timedProbe(() => jwks.usable(Date.now())),
      // A real sync of this isolate's snapshot: up means the snapshot is current.
      revocation: timedProbe(() => revocations.sync(Date.now())),
    },
  };
  built.set(env, deps);
  return deps;
}

/** `unset` accepts no tenant at all, so a misconfigured gate fails closed even past its 503. */
function tenantSet(scope: TenantScope): ReadonlySet<string> | "any" {
  if (scope.kind === "any") return "any";
  return new Set(scope.kind === "listed" ? scope.ids : []);
}
