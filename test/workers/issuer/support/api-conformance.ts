/**
 * Holds every answer the issuer tests see to the API description: the status must be one the
 * document lists for that route and method, and a JSON body must match that answer's schema
 * (for errors: the contract's shape, with a code the document lists). `issuerFetch` runs it on
 * every answer, so the whole issuer suite doubles as a check that the document tells the truth.
 */
import { Validator, type Schema } from "@cfworker/json-schema";
import { PORTCULLIS_VERSION } from "../../../../shared/config/issuer-config";
import { openApiDocument } from "../../../../workers/issuer/openapi/document";

type JsonObject = Record<string, unknown>;

interface DocumentedRoute {
  readonly pattern: RegExp;
  readonly path: string;
  readonly methods: Readonly<Record<string, JsonObject>>;
}

const document = openApiDocument(PORTCULLIS_VERSION);
const routes: DocumentedRoute[] = Object.entries(document.paths as Record<string, Record<string, JsonObject>>).map(([path, methods]) => ({
  path,
  pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
  methods,
}));
const validators = new Map<string, Validator>();

/** Why an answer departs from the document, or null when it conforms (or is not the document's business). */
export async function departureFromDocument(request: { readonly method: string; readonly url: string }, response: Response): Promise<string | null> {
  const method = request.method.toLowerCase();
  if (method === "options" || method === "head") return null;
  const path = new URL(request.url).pathname;
  const route = routes.find((candidate) => candidate.pattern.test(path));
  // An operation the document lacks is the coverage test's finding (openapi.test.ts); 404 for an
  // unknown path and 405 for an unknown method are conventions of every route, not operations.
  const operation = route?.methods[method];
  if (!route || !operation) return null;
  const status = String(response.status);
  const answer = inlineReferences((operation.responses as Record<string, JsonObject>)[status]) as JsonObject | undefined;
  const where = `${request.method} ${route.path} → ${status}`;
  if (!answer) return `${where}: the document does not list this status (body: ${(await response.clone().text()).slice(0, 300)}).`;
  const content = answer.content as Record<string, { schema: JsonObject }> | undefined;
  const type = (response.headers.get("Content-Type") ?? "").split(";")[0]!.trim();
  if (!content) {
    const text = await response.clone().text();
    return text === "" || type === "" ? null : `${where}: the document promises no body, but one came (${type}).`;
  }
  const media = content[type];
  if (!media) return `${where}: answered ${type || "no content type"}, the document lists ${Object.keys(content).join(", ")}.`;
  if (type !== "application/json") return null;
  const body: unknown = await response.clone().json();
  const result = validatorFor(`${method} ${route.path} ${status}`, media.schema).validate(body);
  if (result.valid) return null;
  const problems = result.errors.slice(-3).map((error) => `${error.instanceLocation}: ${error.error}`).join("; ");
  return `${where}: the body does not match the document's schema (${problems}). Body: ${JSON.stringify(body).slice(0, 400)}`;
}

function validatorFor(key: string, schema: JsonObject): Validator {
  let validator = validators.get(key);
  if (!validator) {
    validator = new Validator(inlineReferences(schema) as Schema, "2020-12", false);
    validators.set(key, validator);
  }
  return validator;
}

/** Replaces `{"$ref": "#/components/…"}` with what it points at, so each answer's schema stands alone. */
function inlineReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inlineReferences);
  if (value === null || typeof value !== "object") return value;
  const object = value as JsonObject;
  if (typeof object.$ref === "string" && object.$ref.startsWith("#/")) {
    const target = object.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>((node, key) => (node as JsonObject)[key.replace(/~1/g, "/").replace(/~0/g, "~")], document);
    return inlineReferences(target);
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, inlineReferences(inner)]));
}
