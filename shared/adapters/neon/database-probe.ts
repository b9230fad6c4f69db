import { sql } from "drizzle-orm";
import type { DependencyProbe } from "../../ports/dependency-probe";
import { timedProbe } from "../timed-probe";
import type { Database } from "./database";

export function databaseProbe(db: Database): DependencyProbe {
  return timedProbe(async () => {
    const result = await db.execute(sql`select 1 as ok`);
    return result.rows.length === 1;
  });
}
