import { z } from "zod";
import { paramToText } from "./param-text";
import type { SqlStatement } from "./sql-backend";

export interface PayloadQuery {
  readonly statement: SqlStatement;
  /** Overrides `Neon-Array-Mode` for this query when set. */
  readonly arrayMode: boolean | undefined;
}

export type Payload = { readonly kind: "single"; readonly query: PayloadQuery } | { readonly kind: "batch"; readonly queries: readonly PayloadQuery[] };

export type PayloadOutcome = { readonly ok: true; readonly value: Payload } | { readonly ok: false; readonly message: string };

// Unknown keys are ignored, not refused: Neon's proxy accepts them and the stand-in must not be stricter than Neon.
const QUERY = z.object({
  query: z.string(),
  params: z.array(z.unknown()).optional(),
  arrayMode: z.boolean().nullish(),
});
const PAYLOAD = z.union([QUERY, z.object({ queries: z.array(QUERY) })]);

/** Parses a request body whatever its Content-Type (the driver sends text/plain); a body with `query` is a single query. */
export function parsePayload(body: Buffer): PayloadOutcome {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    return unparsable(error instanceof Error ? error.message : "invalid JSON");
  }
  const parsed = PAYLOAD.safeParse(json);
  if (!parsed.success) return unparsable("expected {query, params} or {queries: [{query, params}, …]}");
  const payload = parsed.data;
  return {
    ok: true,
    value: "queries" in payload ? { kind: "batch", queries: payload.queries.map(toQuery) } : { kind: "single", query: toQuery(payload) },
  };
}

function toQuery(query: z.infer<typeof QUERY>): PayloadQuery {
  return {
    statement: { text: query.query, params: (query.params ?? []).map(paramToText) },
    arrayMode: query.arrayMode ?? undefined,
  };
}

function unparsable(detail: string): PayloadOutcome {
  return { ok: false, message: `could not parse the HTTP request body: ${detail}` };
}
