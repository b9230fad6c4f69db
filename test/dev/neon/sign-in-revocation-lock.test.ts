import { describe, expect, it } from "vitest";
import { postgresUrl, realBackendTitle } from "../../support/backends";
import { revocationDuringSignIn } from "./sign-in-revocation-interleaving";

/**
 * The embedded PGlite runs one request at a time, so this interleaving exists only on a
 * real PostgreSQL; test/workers/issuer/sign-in-revocation-race.test.ts races the same
 * requests end to end on whichever backend the run uses.
 */
describe.skipIf(!postgresUrl)(realBackendTitle("a user-wide revocation during a sign-in's transaction, on PostgreSQL", "POSTGRES_URL", postgresUrl), () => {
  it.each(["disable", "logout_all", "revoke_sessions"] as const)("%s waits for the sign-in to commit and revokes its session: no live session is left", async (change) => {
    const result = await revocationDuringSignIn(postgresUrl ?? "", change);
    expect(result.revocationFinishedFirst).toBe(false);
    expect(result.signIn.kind).toBe("opened");
    expect(result.signInSessionLive).toBe(false);
    expect(result.liveSessions).toBe(0);
  });
});
