import { describe, expect, it } from "vitest";
import committed from "../../../sdk/openapi.json";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerFetch } from "./support/issuer-client";

/** The routes the issuer registers, as `METHOD /path/{param}`; `ALL` entries are the 405 answers and middleware. */
function registeredOperations(): string[] {
  const app = createIssuerApp(() => {
    throw new Error("no request is served here");
  });
  const operations = app.routes
    .filter((route) => route.method !== "ALL")
    .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, "{}")}`);
  return [...new Set(operations)].sort();
}

function documentedOperations(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{}")}`))
    .sort();
}

describe("GET /openapi.json", () => {
  it("serves the committed document, so sdk/openapi.json and the SDK's types are what the issuer says (run `npm run openapi` after changing a route)", async () => {
    const response = await issuerFetch("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await response.json()).toEqual(committed);
  });

  it("describes every route and method the issuer registers, and nothing it does not", async () => {
    const document = await (await issuerFetch("/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(documentedOperations(document)).toEqual(registeredOperations());
  });
});
