/**
 * `npm run passkey -- create|get [--origin URL] [--algorithm ES256|RS256]`: a software
 * passkey for trying the API without a browser. Reads the issuer's options answer
 * (`{challenge_id, options}`, or the `options` alone) on stdin and prints what to send back:
 * `{challenge_id, credential}` (or the credential alone). Keys live in
 * .portcullis/passkey-authenticator.json (git-ignored), so a passkey created once signs in later.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCredential, EMPTY_AUTHENTICATOR, getAssertion, type AuthenticatorState } from "./passkey/software-authenticator";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_STATE_FILE = join(ROOT, ".portcullis", "passkey-authenticator.json");

/**
 * WebAuthn refuses an IP address as RP id, so the local walkthrough runs its ceremonies at
 * `localhost` (a tenant with `passkey_rp_id: "localhost"`), on the issuer's port.
 */
export function defaultOrigin(env: NodeJS.ProcessEnv = process.env): string {
  return `http://localhost:${env.ISSUER_PORT ?? "8787"}`;
}

export interface CliRun {
  readonly args: readonly string[];
  readonly input: string;
  readonly stateFile: string;
}

/** Runs one ceremony; the printed JSON, or throws with a message for the user. */
export function runPasskeyCli({ args, input, stateFile }: CliRun): string {
  const [command, ...flags] = args;
  if (command !== "create" && command !== "get") throw new Error("usage: npm run passkey -- create|get [--origin URL] [--algorithm ES256|RS256] < options.json");
  const origin = flag(flags, "--origin") ?? defaultOrigin();
  const algorithm = flag(flags, "--algorithm") ?? "ES256";
  if (algorithm !== "ES256" && algorithm !== "RS256") throw new Error("--algorithm must be ES256 or RS256");
  const answer = parseInput(input);
  const state = readState(stateFile);
  const ceremony = command === "create" ? createCredential(state, origin, answer.options as never, { algorithm }) : getAssertion(state, origin, answer.options as never, { algorithm });
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(ceremony.state), { mode: 0o600 });
  return JSON.stringify(answer.challengeId === undefined ? ceremony.credential : { challenge_id: answer.challengeId, credential: ceremony.credential });
}

function flag(flags: readonly string[], name: string): string | undefined {
  const index = flags.indexOf(name);
  return index >= 0 ? flags[index + 1] : undefined;
}

function parseInput(input: string): { options: Record<string, unknown>; challengeId: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw new Error("stdin must be the JSON the issuer answered to .../options");
  }
  if (typeof parsed !== "object" || parsed === null) throw new Error("stdin must be a JSON object");
  const body = parsed as { challenge_id?: unknown; options?: unknown };
  if (typeof body.options === "object" && body.options !== null) return { options: body.options as Record<string, unknown>, challengeId: typeof body.challenge_id === "string" ? body.challenge_id : undefined };
  return { options: parsed as Record<string, unknown>, challengeId: undefined };
}

function readState(file: string): AuthenticatorState {
  if (!existsSync(file)) return EMPTY_AUTHENTICATOR;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { credentials?: unknown };
  if (typeof parsed.credentials !== "object" || parsed.credentials === null) throw new Error(`${file} is not a passkey authenticator state file`);
  return { credentials: parsed.credentials as Record<string, string> };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${runPasskeyCli({ args: process.argv.slice(2), input: readFileSync(0, "utf8"), stateFile: DEFAULT_STATE_FILE })}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
