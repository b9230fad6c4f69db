import { z } from "zod";
import type { FailureReason } from "../../../shared/errors/failure";
import { ERROR_EXTRAS, ERROR_STATUS, WIRE_CODE } from "./error-codes";
import { TAGS, type Answer, type Credential, type Operation } from "./operation";
import { OPERATIONS } from "./operations";

type JsonObject = Record<string, unknown>;

export const OPENAPI_VERSION = "3.1.0";

/**
 * The OpenAPI 3.1 description of every issuer route, built from the operations table, whose
 * request schemas are the ones the routes validate with. Built once per isolate, on first use.
 */
export function openApiDocument(version: string): JsonObject {
  cached ??= buildDocument(OPERATIONS, version);
  return cached;
}

let cached: JsonObject | undefined;

export function buildDocument(operations: readonly Operation[], version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const operation of operations) {
    const item = (paths[operation.path] ??= {});
    if (item[operation.method]) throw new Error(`${operation.method.toUpperCase()} ${operation.path} is described twice.`);
    item[operation.method] = describeOperation(operation);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: "Portcullis issuer",
      version,
      summary: "Sign-in, sessions, tokens, accounts and the admin API of a Portcullis issuer.",
      description:
        "Errors have one shape, `{\"error\": {\"code\", \"message\", ...}}`, except on the OAuth endpoints, which answer RFC 6749's `{error, error_description}`. Every answer carries `X-Request-Id`. JSON bodies are at most 16 KiB; unknown fields are refused.",
      license: { name: "MIT", identifier: "MIT" },
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: Object.values(TAGS).map((name) => ({ name })),
    paths,
    components: { schemas: { Error: ERROR_COMPONENT }, responses: { InternalError: INTERNAL_ERROR }, securitySchemes: SECURITY_SCHEMES },
  };
}

const SECURITY_SCHEMES: Record<Credential, JsonObject> = {
  publishableKey: { type: "apiKey", in: "header", name: "x-api-key", description: "The tenant's publishable key (`pk_…`): safe in an app, names the tenant." },
  secretKey: { type: "http", scheme: "bearer", description: "The tenant's secret key (`sk_…`), for servers only." },
  adminToken: { type: "http", scheme: "bearer", description: "The operator's `ADMIN_TOKEN`." },
  accessToken: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A user's access token (ES256, `typ: at+jwt`)." },
  enrolmentToken: { type: "http", scheme: "bearer", description: "The `mfa_token` (`mfa_…`) a sign-in answered with `enrollment_required`: stands in for the access token while the user enrols a first second factor." },
  clientSecretBasic: { type: "http", scheme: "basic", description: "An OAuth client's id and secret (RFC 6749 §2.3.1); `client_secret_post` and public clients (`none`) put `client_id` in the form instead." },
  browserSession: { type: "apiKey", in: "cookie", name: "__Host-portcullis_session", description: "The issuer's HttpOnly browser session cookie, set by the hosted login page (named without `__Host-` on plain-http loopback issuers)." },
  providerSignature: { type: "apiKey", in: "header", name: "X-Twilio-Signature", description: "The SMS provider's signature over the callback." },
  consoleSession: { type: "apiKey", in: "cookie", name: "__Host-portcullis_console", description: "The operator console's HttpOnly, SameSite=Strict session cookie, set by signing in with `ADMIN_TOKEN` at `/console/login` (named without `__Host-` on plain-http loopback issuers)." },
};

function describeOperation(operation: Operation): JsonObject {
  const described: JsonObject = {
    operationId: operationId(operation),
    tags: [TAGS[operation.tag]],
    summary: operation.summary,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    security: operation.security.map((name) => ({ [name]: [] })),
  };
  const parameters = [...pathParameters(operation), ...queryParameters(operation)];
  if (parameters.length > 0) described.parameters = parameters;
  const body = requestBody(operation);
  if (body) described.requestBody = body;
  described.responses = responses(operation);
  return described;
}

/** `POST /api/admin/tenants/{id}/keys` → `postApiAdminTenantsIdKeys`: stable, unique, readable in generated clients. */
export function operationId(operation: Pick<Operation, "method" | "path">): string {
  const words = operation.path.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  return operation.method + words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
}

function pathParameters(operation: Operation): JsonObject[] {
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? "");
  return names.map((name) => ({ name, in: "path", required: true, schema: { type: "string" }, description: operation.pathParameters?.[name] ?? name }));
}

function queryParameters(operation: Operation): JsonObject[] {
  if (!operation.query) return [];
  const schema = jsonSchema(operation.query, "input");
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.has(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

function requestBody(operation: Operation): JsonObject | undefined {
  const content: JsonObject = {};
  if (operation.body) content["application/json"] = withExample({ schema: jsonSchema(operation.body, "input") }, operation.bodyExample);
  if (operation.form) content["application/x-www-form-urlencoded"] = withExample({ schema: jsonSchema(operation.form, "input") }, operation.bodyExample);
  if (Object.keys(content).length === 0) return undefined;
  return { required: true, content };
}

function responses(operation: Operation): JsonObject {
  const described: Record<string, JsonObject> = {};
  for (const [status, answer] of Object.entries(operation.answers)) {
    if (answer) described[status] = describeAnswer(answer);
  }
  for (const [status, codes] of errorCodesByStatus(operation)) {
    const error = { "application/json": { schema: errorSchema(codes) } };
    const answer = described[String(status)];
    // A page may answer the same status as HTML: both bodies are described, told apart by media type.
    described[String(status)] = answer
      ? { ...answer, content: { ...(answer.content as JsonObject | undefined), ...error } }
      : { description: `Error: ${codes.map((code) => `\`${code}\``).join(", ")}.`, ...errorHeaders(codes), content: error };
  }
  described["500"] = { $ref: "#/components/responses/InternalError" };
  for (const [status, codes] of Object.entries(operation.oauthErrors ?? {})) {
    if (!codes) continue;
    described[status] = {
      description: `OAuth error (RFC 6749 §5.2): ${codes.map((code) => `\`${code}\``).join(", ")}.`,
      content: { "application/json": { schema: oauthErrorSchema(codes) } },
    };
  }
  return described;
}

function describeAnswer(answer: Answer): JsonObject {
  const headers: Record<string, JsonObject> = {};
  for (const [name, description] of Object.entries(answer.headers ?? {})) headers[name] = { description, schema: { type: "string" } };
  if (answer.redirect) headers.Location = { description: "Where the browser goes next.", schema: { type: "string", format: "uri-reference" } };
  const described: JsonObject = { description: answer.description };
  if (Object.keys(headers).length > 0) described.headers = headers;
  if (answer.json) described.content = { "application/json": withExample({ schema: jsonSchema(answer.json, "output") }, answer.example) };
  if (answer.html) described.content = { "text/html": { schema: { type: "string" } } };
  return described;
}

/**
 * The error codes of an operation by status: its own, plus the conventions every route of its
 * kind shares (a JSON body can be malformed, a key can be wrong, the database can be down).
 */
export function errorCodesByStatus(operation: Operation): Map<number, string[]> {
  const reasons = new Set<FailureReason>([...conventionalErrors(operation), ...(operation.errors ?? [])]);
  const byStatus = new Map<number, string[]>();
  for (const reason of reasons) {
    const status = ERROR_STATUS[reason];
    const code = WIRE_CODE[reason] ?? reason;
    const codes = byStatus.get(status) ?? [];
    if (!codes.includes(code)) codes.push(code);
    byStatus.set(status, codes);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

export function conventionalErrors(operation: Operation): FailureReason[] {
  // Hosted pages and the operator console answer their failures as HTML pages, and the OAuth endpoints in RFC 6749's shape:
  // each lists its own answers. A dependency outage caught before the route runs is still the
  // contract's JSON 503, on these routes too.
  if (operation.tag === "pages" || operation.tag === "console" || operation.tag === "oauth") return ["service_unavailable", ...(operation.security.includes("accessToken") ? CREDENTIAL_ERRORS.accessToken : [])];
  const reasons: FailureReason[] = ["service_unavailable"];
  if (operation.body) reasons.push("unsupported_media_type", "invalid_json", "payload_too_large", "invalid_request");
  if (operation.form) reasons.push("unsupported_media_type", "payload_too_large", "invalid_request");
  if (operation.query) reasons.push("invalid_request");
  if (operation.path.includes("{")) reasons.push("not_found");
  if (operation.path.startsWith("/api/auth/") && operation.path !== "/api/auth/introspect") reasons.push("rate_limited");
  for (const credential of operation.security) reasons.push(...CREDENTIAL_ERRORS[credential]);
  return reasons;
}

const CREDENTIAL_ERRORS: Record<Credential, FailureReason[]> = {
  publishableKey: ["invalid_api_key"],
  secretKey: ["invalid_api_key"],
  adminToken: ["unauthorized"],
  // A client_credentials token on a route only a user may use is `403 insufficient_scope`.
  accessToken: ["invalid_token", "insufficient_scope"],
  enrolmentToken: ["mfa_token_expired"],
  clientSecretBasic: [],
  browserSession: [],
  providerSignature: ["invalid_signature"],
  consoleSession: [],
};

function errorHeaders(codes: readonly string[]): JsonObject {
  const headers: Record<string, JsonObject> = {};
  if (codes.some((code) => code === "rate_limited" || code === "too_many_attempts" || code === "service_unavailable" || code === "idempotency_key_in_use")) {
    headers["Retry-After"] = { description: "Seconds to wait before trying again.", schema: { type: "integer" } };
  }
  if (codes.some((code) => code === "invalid_token" || code === "unauthorized" || code === "insufficient_user_authentication" || code === "insufficient_scope")) {
    headers["WWW-Authenticate"] = { description: "The Bearer challenge (RFC 6750, RFC 9470).", schema: { type: "string" } };
  }
  return Object.keys(headers).length > 0 ? { headers } : {};
}

/** The contract's error shape, once; each answer narrows `code` to the codes it can carry. */
const ERROR_COMPONENT: JsonObject = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      additionalProperties: false,
      properties: {
        code: { type: "string", description: "Stable, snake_case; what programs branch on." },
        message: { type: "string", description: "Plain words for people; may change." },
        ...ERROR_EXTRAS,
      },
    },
  },
};

/** A fault on the issuer's side: never caused by anything a client sends, never with details. */
const INTERNAL_ERROR: JsonObject = {
  description: "Error: `internal_error`, a fault on the issuer's side (a bug, or stored data that fails its integrity check); it says nothing more.",
  content: { "application/json": { schema: errorSchema(["internal_error"]) } },
};

function errorSchema(codes: readonly string[]): JsonObject {
  return {
    allOf: [{ $ref: "#/components/schemas/Error" }],
    properties: { error: { properties: { code: { enum: [...codes] } } } },
  };
}

function oauthErrorSchema(codes: readonly string[]): JsonObject {
  return {
    type: "object",
    required: ["error"],
    properties: { error: { type: "string", enum: [...codes] }, error_description: { type: "string" } },
  };
}

function withExample(media: JsonObject, example: unknown): JsonObject {
  return example === undefined ? media : { ...media, example };
}

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` line. */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const converted = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonObject;
  delete converted.$schema;
  return converted;
}
