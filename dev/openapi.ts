/**
 * `npm run openapi`: writes the issuer's API description to `sdk/openapi.json` and the SDK's
 * types generated from it to `sdk/src/generated/api.ts`. The issuer builds the same document
 * at `GET /openapi.json`; tests fail when either file is not what this script would write.
 *
 * Runs under Node with the `.wasm` hooks (dev/support/register-wasm-modules.mjs), since the
 * document imports the routes' schemas and the routes import the Argon2id module.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sdkTypesText } from "./sdk-types";

// Worker code is typechecked by the worker's tsconfig, not Node's: a computed specifier keeps
// this project's compiler out of it, and the type below is the one thing used from it.
const documentModule = "../workers/issuer/openapi/document-text";
const { openApiDocumentText } = (await import(documentModule)) as { openApiDocumentText: () => string };

const root = fileURLToPath(new URL("..", import.meta.url));
const documentText = openApiDocumentText();
writeFileSync(`${root}sdk/openapi.json`, documentText);
writeFileSync(`${root}sdk/src/generated/api.ts`, await sdkTypesText(documentText));
console.log("wrote sdk/openapi.json and sdk/src/generated/api.ts");
