import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import * as schema from "../../../drizzle/schema";

export type Database = NeonHttpDatabase<typeof schema>;

export interface DatabaseConfig {
  /** A Neon connection string (`postgresql://user:password@host/db`). */
  readonly url: string;
  /**
   * Where SQL-over-HTTP requests go instead of Neon's default (`https://api.<region>…/sql`).
   * Only the local stack sets it; production leaves it undefined.
   */
  readonly fetchEndpoint: string | undefined;
}

export function createDatabase(config: DatabaseConfig): Database {
  // neonConfig is module-global; every database in one isolate shares one endpoint, which is all we need.
  if (config.fetchEndpoint !== undefined) neonConfig.fetchEndpoint = config.fetchEndpoint;
  return drizzle({ client: neon(config.url), schema });
}
