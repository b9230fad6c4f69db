/**
 * What an authenticator app would show now: `npm run totp -- <secret>` prints the current
 * six-digit code of a base32 TOTP secret (the `secret` that POST /api/auth/mfa/totp answers),
 * for trying second factors against the local stack without a phone.
 */
import { fileURLToPath } from "node:url";
import { decodeTotpSecret, TOTP_PERIOD_SECONDS, totpCode, totpStep } from "../shared/crypto/totp";

/** The code for `secret` at `now`, and how many seconds it has left; null for text that is not a base32 secret. */
export async function currentTotpCode(secret: string, now: Date): Promise<{ code: string; secondsLeft: number } | null> {
  const bytes = decodeTotpSecret(secret);
  if (bytes === null) return null;
  const step = totpStep(now);
  const secondsLeft = Math.ceil(((step + 1) * TOTP_PERIOD_SECONDS * 1000 - now.getTime()) / 1000);
  return { code: await totpCode(bytes, step), secondsLeft };
}

async function main(args: readonly string[]): Promise<number> {
  const secret = args.join("");
  const current = secret === "" ? null : await currentTotpCode(secret, new Date());
  if (current === null) {
    process.stderr.write("usage: npm run totp -- <base32 secret>\n");
    return 2;
  }
  process.stdout.write(`${current.code}\n`);
  process.stderr.write(`valid for ${current.secondsLeft} more seconds (and the 30 s either side)\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
