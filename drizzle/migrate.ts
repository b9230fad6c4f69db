/**
 * Applies drizzle/migrations over Neon's HTTP driver: the same command an
 * operator runs against a real Neon database (`DATABASE_URL=… npm run db:migrate`).
 * The local stack also sets NEON_FETCH_ENDPOINT to reach its SQL-over-HTTP server.
 */
import { fileURLToPath } from "node:url";
import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import { migrate } from "drizzle-orm/neon-http/migrator";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

export async function applyMigrations(databaseUrl: string, fetchEndpoint?: string): Promise<void> {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  await migrate(drizzle({ client: neon(databaseUrl) }), { migrationsFolder: MIGRATIONS_FOLDER });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("DATABASE_URL is required (a Neon connection string).");
    process.exit(2);
  }
  applyMigrations(databaseUrl, process.env.NEON_FETCH_ENDPOINT || undefined)
    .then(() => console.log("migrations applied"))
    .catch((error: unknown) => {
      console.error("migration failed:", error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
