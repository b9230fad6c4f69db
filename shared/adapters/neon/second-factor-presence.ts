import { sql } from "drizzle-orm";
import type { SecondFactorPresence } from "../../ports/second-factor-presence";
import type { Database } from "./database";

export function neonSecondFactorPresence(db: Database): SecondFactorPresence {
  return {
    async hasSecondFactor(tenantId, userId) {
      const result = await db.execute<{ present: boolean }>(sql`
        select exists (select 1 from totp_factors where tenant_id = ${tenantId} and user_id = ${userId} and state = 'active')
            or exists (select 1 from passkeys where tenant_id = ${tenantId} and user_id = ${userId}) as present
      `);
      return result.rows[0]?.present === true;
    },
  };
}
