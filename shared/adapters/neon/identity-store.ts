import { asc, eq } from "drizzle-orm";
import { identities } from "../../../drizzle/schema";
import type { IdentityStore } from "../../ports/identity-store";
import type { Database } from "./database";

export function neonIdentityStore(db: Database): IdentityStore {
  return {
    async listForUser(userId) {
      return db
        .select({ provider: identities.provider, email: identities.email, linkedAt: identities.linkedAt })
        .from(identities)
        .where(eq(identities.userId, userId))
        .orderBy(asc(identities.linkedAt), asc(identities.id));
    },
  };
}
