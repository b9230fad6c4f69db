import { randomBytes } from "node:crypto";
import pg from "pg";

export interface Throwaway {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh database on a real PostgreSQL for one test run, dropped afterwards; `prefix` says whose it is. */
export async function throwawayDatabase(serverUrl: string, prefix = "portcullis_test"): Promise<Throwaway> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
