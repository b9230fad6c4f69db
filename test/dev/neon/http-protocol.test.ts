/**
 * The wire protocol at the HTTP level, with plain fetch: what the official
 * driver never sends but other callers (and mistakes) do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES } from "../../../dev/neon/server";
import type { RunningServer } from "../../../dev/support/http-server";
import { connectionString, STAND_IN_PASSWORD, STAND_IN_USER, startPgliteStandIn, type RunningStandIn } from "./neon-conformance";

const ERROR_KEYS = [
  "message",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "severity",
  "where",
  "table",
  "column",
  "schema",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
];

const DRIVER_HEADERS = {
  "neon-connection-string": connectionString(),
  "neon-raw-text-output": "true",
  "neon-array-mode": "true",
};

let standIn: RunningStandIn;
let server: RunningServer;

beforeAll(async () => {
  standIn = await startPgliteStandIn();
  server = standIn.server;
});

afterAll(() => standIn.close());

/** The parts of Neon's answers these tests read. */
interface AnswerBody {
  readonly [key: string]: unknown;
  readonly message?: string;
  readonly rows?: unknown;
  readonly fields?: readonly { readonly dataTypeID: number }[];
  readonly results?: readonly { readonly rows: unknown }[];
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: AnswerBody;
}

async function post(body: unknown, headers: Record<string, string | undefined> = DRIVER_HEADERS, path = "/sql"): Promise<Answer> {
  const sent = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const response = await fetch(`${server.url}${path}`, { method: "POST", headers: sent, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as AnswerBody };
}

function proxyError(message: string): Record<string, string | null> {
  return { ...Object.fromEntries(ERROR_KEYS.map((key) => [key, null])), message, code: "", severity: "" };
}

describe("routing", () => {
  it("answers 404 for a path other than /sql", async () => {
    const answer = await post({ query: "select 1" }, DRIVER_HEADERS, "/other");
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual(proxyError("query is not supported"));
  });

  it("answers 405 with Allow for a method other than POST on /sql", async () => {
    const response = await fetch(`${server.url}/sql`, { headers: DRIVER_HEADERS });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("OPTIONS, POST");
    expect(await response.json()).toEqual(proxyError("query is not supported"));
  });

  it("answers a CORS preflight on /sql as Neon does", async () => {
    const response = await fetch(`${server.url}/sql`, { method: "OPTIONS" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toContain("Neon-Connection-String");
    expect(response.headers.get("access-control-max-age")).toBe("86400");
    expect(await response.text()).toBe("");
  });

  it("marks every /sql answer as JSON readable from any origin", async () => {
    const answer = await post({ query: "select 1" });
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("request body", () => {
  it("refuses a body over 10 MiB with 413", async () => {
    const answer = await post({ query: "select $1::text", params: ["x".repeat(MAX_REQUEST_BYTES)] });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(proxyError("request is too large (max is 10485760 bytes)"));
  });

  it("refuses malformed JSON with 400 in Neon's error shape", async () => {
    const answer = await post('{"query": "select 1",');
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.json).sort()).toEqual([...ERROR_KEYS].sort());
    expect(answer.json.message).toMatch(/^could not parse the HTTP request body: /);
    expect(answer.json.code).toBe("");
  });

  it("refuses JSON that is neither a query nor a batch", async () => {
    for (const body of [{ sql: "select 1" }, { query: 1 }, { query: "select 1", params: "nope" }, { queries: "select 1" }, null]) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.json.message).toMatch(/^could not parse the HTTP request body: /);
    }
  });

  it("parses the body as JSON whatever its Content-Type, and without params", async () => {
    for (const contentType of ["text/plain;charset=UTF-8", "application/sql", undefined]) {
      const answer = await post({ query: "select 1 as x" }, { ...DRIVER_HEADERS, "content-type": contentType });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        fields: [{ name: "x", dataTypeID: 23, tableID: 0, columnID: 0, dataTypeSize: 4, dataTypeModifier: -1, format: "text" }],
        rows: [["1"]],
        command: "SELECT",
        rowCount: 1,
        rowAsArray: true,
      });
    }
  });

  it("binds JSON numbers, booleans, arrays and objects as Neon turns them into text", async () => {
    const answer = await post({
      query: "select $1 as n, $2 as b, $3::int[] as ints, $4::jsonb as obj, $5::text[] as texts, $6::text as missing",
      params: [42, true, [1, 2], { a: 1 }, ["a\"b", null, { k: "v" }], null],
    });
    expect(answer.json.rows).toEqual([["42", "true", "{1,2}", '{"a": 1}', '{"a\\"b",NULL,"{\\"k\\":\\"v\\"}"}', null]]);
    expect(answer.json.fields?.map((field) => field.dataTypeID)).toEqual([25, 25, 1007, 3802, 1009, 25]);
  });
});

describe("connection string and credentials", () => {
  it("refuses a request without Neon-Connection-String", async () => {
    const answer = await post({ query: "select 1" }, { ...DRIVER_HEADERS, "neon-connection-string": undefined });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(proxyError("invalid header: neon-connection-string"));
  });

  it("refuses a connection string that is not postgres:// or lacks a part, with Neon's messages", async () => {
    const cases: [string, string][] = [
      ["http://u:p@db.local/test", "incorrect scheme"],
      [`postgresql://:${encodeURIComponent(STAND_IN_PASSWORD)}@db.local/test`, "missing username"],
      [`postgresql://${STAND_IN_USER}:${encodeURIComponent(STAND_IN_PASSWORD)}@db.local/`, "missing database name"],
      ["not a url", "invalid connection string: not a URL"],
    ];
    for (const [header, message] of cases) {
      const answer = await post({ query: "select 1" }, { ...DRIVER_HEADERS, "neon-connection-string": header });
      expect(answer.status).toBe(400);
      expect(answer.json.message).toBe(message);
    }
  });

  it("refuses a password that only shares the right one's prefix", async () => {
    const answer = await post({ query: "select 1" }, { ...DRIVER_HEADERS, "neon-connection-string": connectionString(STAND_IN_PASSWORD.slice(0, -1)) });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(proxyError(`password authentication failed for user '${STAND_IN_USER}'`));
  });

  it("refuses a request that carries no password at all", async () => {
    const answer = await post({ query: "select 1" }, { ...DRIVER_HEADERS, "neon-connection-string": `postgresql://${STAND_IN_USER}@db.local/portcullis` });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe(`password authentication failed for user '${STAND_IN_USER}'`);
  });

  it("refuses JWT (Authorization) authentication, which it does not check", async () => {
    const answer = await post({ query: "select 1" }, { ...DRIVER_HEADERS, authorization: "Bearer a.b.c" });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe("");
  });

  it("checks credentials before running anything", async () => {
    await post({ query: "create table untouched (id int)" }, { ...DRIVER_HEADERS, "neon-connection-string": connectionString("wrong") });
    const answer = await post({ query: "select to_regclass('untouched') is null as absent" });
    expect(answer.json.rows).toEqual([["t"]]);
  });
});

describe("output modes", () => {
  it("answers rows as objects when Neon-Array-Mode is not exactly true, unless the query asks for arrays", async () => {
    const objects = await post({ query: "select 1 as a, null::text as b" }, { ...DRIVER_HEADERS, "neon-array-mode": "TRUE" });
    expect(objects.json).toMatchObject({ rows: [{ a: "1", b: null }], rowAsArray: false });
    const arrays = await post({ query: "select 1 as a", arrayMode: true }, { ...DRIVER_HEADERS, "neon-array-mode": undefined });
    expect(arrays.json).toMatchObject({ rows: [["1"]], rowAsArray: true });
  });

  it("converts values to JSON types when Neon-Raw-Text-Output is off", async () => {
    const answer = await post(
      {
        query: `select true as bool, 7::int2 as small, 2147483647 as int, 9007199254740993::int8 as big, 1.50::numeric as num,
                'NaN'::float8 as nan, 2.5::float4 as real, '{"x": [1, null]}'::jsonb as doc, '{1,NULL,3}'::int[] as ints,
                array['a"b', NULL, 'c,d'] as texts, '{{t,f},{f,t}}'::bool[] as grid, '[0:1]={5,6}'::int[] as bounded,
                '{}'::int[] as empty, '2024-01-02 03:04:05+00'::timestamptz as at, null::int as nothing`,
      },
      { ...DRIVER_HEADERS, "neon-raw-text-output": undefined },
    );
    expect(answer.json.rows).toEqual([
      [
        true,
        7,
        2147483647,
        "9007199254740993",
        "1.50",
        "NaN",
        2.5,
        { x: [1, null] },
        [1, null, 3],
        ['a"b', null, "c,d"],
        [
          [true, false],
          [false, true],
        ],
        [5, 6],
        [],
        "2024-01-02 03:04:05+00",
        null,
      ],
    ]);
  });

  it("answers DDL with CREATE, a null rowCount and no fields", async () => {
    const answer = await post({ query: "create table ddl_probe (id serial primary key, v text)" });
    expect(answer.json).toEqual({ fields: [], rows: [], command: "CREATE", rowCount: null, rowAsArray: true });
  });

  it("answers an empty query with an empty command", async () => {
    const answer = await post({ query: "" });
    expect(answer.json).toMatchObject({ command: "", rowCount: null, fields: [], rows: [] });
  });

  it("refuses a response over 10 MiB with 507", async () => {
    const answer = await post({ query: "select repeat('x', $1::int) as big", params: [String(MAX_RESPONSE_BYTES)] });
    expect(answer.status).toBe(507);
    expect(answer.json).toEqual(proxyError("response is too large (max is 10485760 bytes)"));
  });
});

describe("errors", () => {
  it("sends every field of a Postgres error, null where absent, positions as strings", async () => {
    const answer = await post({ query: "select * from missing_table" });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.json).sort()).toEqual([...ERROR_KEYS].sort());
    expect(answer.json).toMatchObject({
      message: 'relation "missing_table" does not exist',
      code: "42P01",
      severity: "ERROR",
      position: "15",
      detail: null,
      hint: null,
      constraint: null,
    });
    expect(typeof answer.json.line).toBe("string");
  });
});

describe("batches", () => {
  it("returns one result per query, in order, each in its own array mode", async () => {
    const answer = await post({
      queries: [
        { query: "select 1 as a" },
        { query: "select $1 as b", params: ["2"], arrayMode: false },
        { query: "select 3 as c", params: [] },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.json.results?.map((result) => result.rows)).toEqual([[["1"]], [{ b: "2" }], [["3"]]]);
  });

  it("accepts an empty batch", async () => {
    const answer = await post({ queries: [] });
    expect(answer.json).toEqual({ results: [] });
  });

  it("echoes the transaction modes it applied", async () => {
    const answer = await post(
      { queries: [{ query: "show transaction_isolation" }] },
      { ...DRIVER_HEADERS, "neon-batch-isolation-level": "Serializable", "neon-batch-read-only": "true", "neon-batch-deferrable": "false" },
    );
    expect(answer.json.results?.[0]?.rows).toEqual([["serializable"]]);
    expect(answer.headers.get("neon-batch-isolation-level")).toBe("Serializable");
    expect(answer.headers.get("neon-batch-read-only")).toBe("true");
    expect(answer.headers.get("neon-batch-deferrable")).toBeNull();
  });

  it("refuses an unknown isolation level", async () => {
    const answer = await post({ queries: [{ query: "select 1" }] }, { ...DRIVER_HEADERS, "neon-batch-isolation-level": "Chaos" });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(proxyError("invalid isolation level"));
  });
});
