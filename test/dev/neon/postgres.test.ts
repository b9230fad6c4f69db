import { describe } from "vitest";
import { createSqlBackend } from "../../../dev/neon/sql-backend-factory";
import { postgresUrl, realBackendTitle } from "../../support/backends";
import { throwawayDatabase } from "../../support/throwaway-database";
import { neonConformanceTests } from "./neon-conformance";

describe.skipIf(!postgresUrl)(realBackendTitle("Neon stand-in on PostgreSQL", "POSTGRES_URL", postgresUrl), () => {
  neonConformanceTests(
    async () => {
      const database = await throwawayDatabase(postgresUrl ?? "");
      try {
        return { backend: await createSqlBackend({ postgresUrl: database.url, dataDir: undefined }), dispose: () => database.drop() };
      } catch (error) {
        await database.drop();
        throw error;
      }
    },
    { runsTransactionsConcurrently: true },
  );
});
