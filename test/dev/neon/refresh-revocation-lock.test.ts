import { describe, expect, it } from "vitest";
import { postgresUrl, realBackendTitle } from "../../support/backends";
import { logoutAllDuringRefresh, replayDuringRefresh } from "./refresh-revocation-interleaving";

/** The embedded PGlite runs one request at a time, so these interleavings exist only on a real PostgreSQL. */
describe.skipIf(!postgresUrl)(realBackendTitle("a logout-all during a refresh's statement, on PostgreSQL", "POSTGRES_URL", postgresUrl), () => {
  it("a refresh racing a logout-all cannot outlive it: a rotation answered is one the logout-all saw and revoked on its own", async () => {
    const result = await logoutAllDuringRefresh(postgresUrl ?? "");
    expect(result.revocationFinishedFirst).toBe(false);
    expect(result.refresh).toBe("rotated");
    expect(result.sessionEntryQueued).toBe(true);
    expect(result.sessionLive).toBe(false);
    expect(result.successorRefresh).toBe("invalid");
  });
});

describe.skipIf(!postgresUrl)(realBackendTitle("a replay of an older token during a refresh's statement, on PostgreSQL", "POSTGRES_URL", postgresUrl), () => {
  it("a replay racing a refresh with the live token does not deadlock either into an error: the replay revokes, the refresh is refused", async () => {
    const result = await replayDuringRefresh(postgresUrl ?? "");
    expect(result).toEqual({ refresh: "invalid", replay: "reused", sessionLive: false });
  });
});
