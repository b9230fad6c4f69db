import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../support/http-server";
import { readBodyOrRefuse } from "./request-body";
import type { RouteHandler } from "./route-handler";
import { sameSecret } from "./secret-compare";
import { parseJsonOrUndefined } from "../support/files";

export const SITEVERIFY_PATH = "/turnstile/v0/siteverify";
export const ISSUE_PATH = "/turnstile/__issue";

/** Cloudflare: a token is valid for 300 seconds, verifies once, and has at most 2048 characters. */
export const TOKEN_TTL_MS = 300_000;
export const MAX_TOKEN_LENGTH = 2048;
/** Issued tokens remembered at most, oldest dropped first; long enough for any test run. */
const MAX_TOKENS = 10_000;

/** Cloudflare's documented test secrets, and the one token they accept. */
export const DUMMY_SECRETS = {
  alwaysPasses: "1x0000000000000000000000000000000AA",
  alwaysFails: "2x0000000000000000000000000000000AA",
  alreadySpent: "3x0000000000000000000000000000000AA",
} as const;
export const DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";

export type SiteverifyErrorCode =
  | "missing-input-secret"
  | "invalid-input-secret"
  | "missing-input-response"
  | "invalid-input-response"
  | "bad-request"
  | "timeout-or-duplicate";

/** Cloudflare's siteverify answer. */
export type SiteverifyResult =
  | { readonly success: true; readonly "error-codes": []; readonly challenge_ts: string; readonly hostname: string; readonly action: string; readonly cdata: string }
  | { readonly success: false; readonly "error-codes": [SiteverifyErrorCode] };

export interface SiteverifyInput {
  readonly secret: string | undefined;
  readonly response: string | undefined;
  readonly remoteip: string | undefined;
  readonly idempotencyKey: string | undefined;
}

export interface TokenClaims {
  readonly hostname: string;
  readonly action: string;
  readonly cdata: string;
}

export interface TurnstileEmulator {
  /** A fresh one-time token, as the widget would hand the browser. */
  issue(claims: TokenClaims): string;
  verify(input: SiteverifyInput): SiteverifyResult;
}

interface IssuedToken extends TokenClaims {
  readonly issuedAt: number;
  spent: boolean;
}

/** Widget limits: `action` up to 32 of `[a-z0-9_-]`, `cdata` up to 255 of `[a-zA-Z0-9_-]`. */
export const tokenClaimsSchema = z.strictObject({
  hostname: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/).default("localhost"),
  action: z.string().regex(/^[A-Za-z0-9_-]{0,32}$/).default(""),
  cdata: z.string().regex(/^[A-Za-z0-9_-]{0,255}$/).default(""),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Cloudflare Turnstile's siteverify, in memory. Tokens come from `issue`; each
 * verifies once within TOKEN_TTL_MS, except that a retry carrying the first
 * verification's `idempotency_key` gets the same answer again.
 */
export function createTurnstileEmulator(options: { readonly secretKey: string; readonly now?: () => number }): TurnstileEmulator {
  const now = options.now ?? Date.now;
  const tokens = new Map<string, IssuedToken>();
  const answered = new Map<string, SiteverifyResult>();

  const failure = (code: SiteverifyErrorCode): SiteverifyResult => ({ success: false, "error-codes": [code] });

  return {
    issue(claims) {
      const token = `0.${randomBytes(96).toString("base64url")}.${randomBytes(16).toString("hex")}`;
      tokens.set(token, { ...claims, issuedAt: now(), spent: false });
      // Maps iterate in insertion order: the first keys are the oldest tokens.
      for (const oldest of tokens.keys()) {
        if (tokens.size <= MAX_TOKENS) break;
        tokens.delete(oldest);
        for (const key of answered.keys()) if (key.endsWith(`\n${oldest}`)) answered.delete(key);
      }
      return token;
    },

    verify({ secret, response, idempotencyKey }) {
      if (secret === undefined || secret === "") return failure("missing-input-secret");
      const dummy = dummyVerdict(secret, response);
      if (dummy !== null) return dummy;
      if (!sameSecret(secret, options.secretKey)) return failure("invalid-input-secret");
      if (response === undefined || response === "") return failure("missing-input-response");
      if (response.length > MAX_TOKEN_LENGTH) return failure("invalid-input-response");
      if (idempotencyKey !== undefined && !UUID.test(idempotencyKey)) return failure("bad-request");

      const replayKey = idempotencyKey === undefined ? null : `${idempotencyKey.toLowerCase()}\n${response}`;
      const replay = replayKey === null ? undefined : answered.get(replayKey);
      if (replay !== undefined) return replay;

      const issued = tokens.get(response);
      if (issued === undefined) return failure("invalid-input-response");
      if (issued.spent || now() - issued.issuedAt > TOKEN_TTL_MS) return failure("timeout-or-duplicate");
      issued.spent = true;
      const result: SiteverifyResult = {
        success: true,
        "error-codes": [],
        challenge_ts: new Date(issued.issuedAt).toISOString(),
        hostname: issued.hostname,
        action: issued.action,
        cdata: issued.cdata,
      };
      if (replayKey !== null) answered.set(replayKey, result);
      return result;
    },
  };

  /** The test secrets only ever accept the dummy token, and real secrets never do (Cloudflare's testing docs). */
  function dummyVerdict(secret: string, response: string | undefined): SiteverifyResult | null {
    if (secret !== DUMMY_SECRETS.alwaysPasses && secret !== DUMMY_SECRETS.alwaysFails && secret !== DUMMY_SECRETS.alreadySpent) return null;
    if (response === undefined || response === "") return failure("missing-input-response");
    if (secret === DUMMY_SECRETS.alwaysFails) return failure("invalid-input-response");
    if (secret === DUMMY_SECRETS.alreadySpent) return failure("timeout-or-duplicate");
    if (response !== DUMMY_TOKEN) return failure("invalid-input-response");
    // The values Cloudflare's testing documentation shows for the dummy token.
    return { success: true, "error-codes": [], challenge_ts: new Date(now()).toISOString(), hostname: "localhost", action: "test", cdata: "test-data" };
  }
}

/**
 * `POST /turnstile/v0/siteverify` (form-encoded, multipart or JSON, like Cloudflare's) and the
 * sandbox's own `POST /turnstile/__issue` (an optional JSON body of token claims).
 */
export function turnstileHandler(emulator: TurnstileEmulator): RouteHandler {
  return async (request, response, target) => {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    if (request.method !== "POST") return sendJson(response, 405, { success: false, "error-codes": ["bad-request"] }, { allow: "POST" });
    const contentType = request.headers["content-type"];

    if (target.path === ISSUE_PATH) {
      let raw: unknown = {};
      if (body.length > 0) {
        if (!isMediaType(contentType, "application/json")) return sendJson(response, 415, { error: "the body, if any, must be application/json" });
        raw = parseJsonOrUndefined(body.toString("utf8"));
      }
      const claims = tokenClaimsSchema.safeParse(raw);
      if (!claims.success) return sendJson(response, 400, { error: 'expected {"hostname"?, "action"? ([A-Za-z0-9_-], at most 32), "cdata"? (at most 255)}' });
      return sendJson(response, 200, { token: emulator.issue(claims.data) });
    }

    const input = await siteverifyInput(body, contentType);
    if (input === null) return sendVerdict(response, { success: false, "error-codes": ["bad-request"] }, 400);
    const verdict = emulator.verify(input);
    sendVerdict(response, verdict, verdict.success || verdict["error-codes"][0] !== "bad-request" ? 200 : 400);
  };
}

function sendVerdict(response: ServerResponse, verdict: SiteverifyResult, status: number): void {
  sendJson(response, status, verdict);
}

/** The four parameters, or null when the body cannot be read as one of the accepted types. */
async function siteverifyInput(body: Buffer, contentType: string | undefined): Promise<SiteverifyInput | null> {
  let fields: Record<string, unknown>;
  if (isMediaType(contentType, "application/json")) {
    const parsed = parseJsonOrUndefined(body.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    fields = parsed as Record<string, unknown>;
  } else if (isMediaType(contentType, "application/x-www-form-urlencoded") || isMediaType(contentType, "multipart/form-data")) {
    try {
      // undici parses both form encodings, multipart boundaries included.
      const form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType ?? "" } }).formData();
      const collected: Record<string, string> = {};
      // A repeated name keeps its first value; file parts are not parameters.
      form.forEach((value, name) => {
        if (typeof value === "string" && !Object.hasOwn(collected, name)) collected[name] = value;
      });
      fields = collected;
    } catch {
      return null;
    }
  } else {
    return null;
  }
  const text = (name: string): string | undefined | null => {
    const value = fields[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : null;
  };
  const secret = text("secret");
  const token = text("response");
  const remoteip = text("remoteip");
  const idempotencyKey = text("idempotency_key");
  if (secret === null || token === null || remoteip === null || idempotencyKey === null) return null;
  return { secret, response: token, remoteip, idempotencyKey };
}

function isMediaType(header: string | undefined, type: string): boolean {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() === type;
}
