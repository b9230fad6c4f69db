import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { describe, expect, it } from "vitest";
import { createSqlBackend } from "../../../dev/neon/sql-backend-factory";
import { connectionString, neonConformanceTests, startPgliteStandIn } from "./neon-conformance";

describe("Neon stand-in on PGlite (in memory)", () => {
  neonConformanceTests(
    async () => ({ backend: await createSqlBackend({ postgresUrl: undefined, dataDir: undefined }), dispose: async () => {} }),
    { runsTransactionsConcurrently: false },
  );
});

describe("Neon stand-in on PGlite with a data directory", () => {
  it("keeps committed rows across a close and a reopen, creating the directory if missing", async () => {
    const root = await mkdtemp(join(tmpdir(), "portcullis-neon-"));
    const dataDir = join(root, "not", "yet", "there");
    try {
      await withServer(dataDir, async (sql) => {
        await sql`create table survivors (id int primary key, name text)`;
        await sql`insert into survivors values (1, 'kept')`;
      });
      await withServer(dataDir, async (sql) => {
        expect(await sql`select id, name from survivors`).toEqual([{ id: 1, name: "kept" }]);
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

async function withServer(dataDir: string, work: (sql: ReturnType<typeof neon>) => Promise<void>): Promise<void> {
  const standIn = await startPgliteStandIn(dataDir);
  try {
    neonConfig.fetchEndpoint = `${standIn.server.url}/sql`;
    await work(neon(connectionString()));
  } finally {
    await standIn.close();
  }
}
