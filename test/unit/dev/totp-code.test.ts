import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { currentTotpCode } from "../../../dev/totp-code";
import { newTotpSecret, totpCode, totpStep, decodeTotpSecret } from "../../../shared/crypto/totp";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..", "..");

/** RFC 6238's SHA-1 seed "12345678901234567890" in base32. */
const RFC_SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("npm run totp", () => {
  it("computes the code an authenticator app shows: RFC 6238's seed at T=59 gives the last six digits of 94287082", async () => {
    expect(await currentTotpCode(RFC_SEED_BASE32, new Date(59_000))).toEqual({ code: "287082", secondsLeft: 1 });
    expect(await currentTotpCode(RFC_SEED_BASE32.toLowerCase(), new Date(1_111_111_109_000))).toEqual({ code: "081804", secondsLeft: 1 });
  });

  it("says how long the code has left in its 30-second step", async () => {
    expect((await currentTotpCode(RFC_SEED_BASE32, new Date(60_000)))?.secondsLeft).toBe(30);
    expect((await currentTotpCode(RFC_SEED_BASE32, new Date(75_500)))?.secondsLeft).toBe(15);
  });

  it("refuses text that is not a base32 secret", async () => {
    expect(await currentTotpCode("not a secret!", new Date())).toBeNull();
    expect(await currentTotpCode("", new Date())).toBeNull();
  });

  it("prints the current code as one line when run as the npm script does", async () => {
    const secret = newTotpSecret();
    const { stdout } = await run(join(ROOT, "node_modules", ".bin", "tsx"), ["dev/totp-code.ts", secret], { cwd: ROOT });
    const bytes = decodeTotpSecret(secret) ?? new Uint8Array();
    // The step may turn while the process starts: either side's code is what an app could show.
    const step = totpStep(new Date());
    const candidates = await Promise.all([step - 1, step, step + 1].map((s) => totpCode(bytes, s)));
    expect(stdout).toMatch(/^[0-9]{6}\n$/);
    expect(candidates).toContain(stdout.trim());
  }, 30_000);

  it("exits with 2 and a usage line, no code, for a bad secret", async () => {
    const failure = await run(join(ROOT, "node_modules", ".bin", "tsx"), ["dev/totp-code.ts", "0000"], { cwd: ROOT }).then(
      () => null,
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toBe("");
    expect(failure?.stderr).toMatch(/usage: npm run totp -- <base32 secret>/);
  }, 30_000);
});
