import { sql } from "drizzle-orm";
import type { FederatedUserStore, NewFederatedUser } from "../../ports/federated-user-store";
import type { NewIdentity } from "../../ports/identity-store";
import type { Database } from "./database";
import { isUniqueViolation } from "./constraint-violation";

export function neonFederatedUserStore(db: Database): FederatedUserStore {
  async function attempt(user: NewFederatedUser, identity: Omit<NewIdentity, "userId" | "tenantId">, now: Date): Promise<"created" | "identity_taken"> {
    const at = now.toISOString();
    // The address goes on the new user only when no live user of the tenant holds it (verified or not).
    const addressFree = sql`${user.email}::text is not null and not exists (select 1 from users where tenant_id = ${user.tenantId} and lower(email) = lower(${user.email}::text) and deleted_at is null)`;
    // One transaction: a user whose identity lost a race to another sign-in is deleted before it commits.
    const [, linked] = await db.batch([
      db.execute(sql`insert into users (id, tenant_id, email, email_verified, roles, metadata, created_at, updated_at)
        values (${user.id}, ${user.tenantId}, case when ${addressFree} then ${user.email}::text else null end, case when ${addressFree} then ${user.emailVerified} else false end, ${JSON.stringify(user.roles)}::jsonb, ${JSON.stringify(user.name === null ? {} : { name: user.name })}::jsonb, ${at}::timestamptz, ${at}::timestamptz)`),
      db.execute<{ id: string }>(sql`insert into identities (id, tenant_id, user_id, connection_id, provider, subject, email, email_verified, sealed_tokens, linked_at)
        values (${identity.id}, ${user.tenantId}, ${user.id}, ${identity.connectionId}, ${identity.provider}, ${identity.subject}, ${identity.email}, ${identity.emailVerified}, ${identity.sealedTokens}, ${at}::timestamptz)
        on conflict do nothing returning id`),
      db.execute(sql`delete from users where id = ${user.id} and not exists (select 1 from identities where user_id = ${user.id})`),
    ]);
    return linked.rows.length > 0 ? "created" : "identity_taken";
  }
  return {
    async createWithIdentity(user, identity, now) {
      try {
        return await attempt(user, identity, now);
      } catch (error) {
        // Another user took the address between the check and the insert: the new user goes without it.
        if (isUniqueViolation(error, "users_tenant_email_live_idx")) return attempt({ ...user, email: null, emailVerified: false }, identity, now);
        throw error;
      }
    },
  };
}
