/**
 * The soak's sessions as PostgreSQL holds them, read with the driver the issuer
 * uses (Neon over HTTP through the stand-in, in front of PGlite or the real
 * server). A session's refresh tokens are a chain of generations: each rotation
 * spends the newest and adds the next, and the unique (session, generation)
 * index means a token can have at most one successor row. What a race could
 * still break is that only the newest may be unspent.
 */
import { sql } from "drizzle-orm";
import { createDatabase } from "../../shared/adapters/neon/database";

export interface SessionChain extends Record<string, unknown> {
  readonly session_id: string;
  readonly tenant_id: string;
  readonly revoked: boolean;
  readonly tokens: number;
  readonly unspent: number;
  readonly first_generation: number | null;
  readonly last_generation: number | null;
  /** The generation of the unspent token, when exactly one is unspent. */
  readonly unspent_generation: number | null;
}

export async function readSessionChains(database: { url: string; fetchEndpoint: string }, tenantIds: readonly string[]): Promise<SessionChain[]> {
  const db = createDatabase(database);
  const tenants = sql.join(tenantIds.map((id) => sql`${id}`), sql`, `);
  const result = await db.execute<SessionChain>(sql`
    select s.id as session_id, s.tenant_id, s.revoked_at is not null as revoked,
      count(rt.token_hash)::int as tokens,
      (count(rt.token_hash) filter (where rt.spent_at is null))::int as unspent,
      min(rt.generation)::int as first_generation,
      max(rt.generation)::int as last_generation,
      (max(rt.generation) filter (where rt.spent_at is null))::int as unspent_generation
    from sessions s left join refresh_tokens rt on rt.session_id = s.id
    where s.tenant_id in (${tenants})
    group by s.id, s.tenant_id, s.revoked_at
  `);
  return result.rows;
}
