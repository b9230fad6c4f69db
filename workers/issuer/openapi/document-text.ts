import { PORTCULLIS_VERSION } from "../../../shared/config/issuer-config";
import { openApiDocument } from "./document";

/** The document as the issuer serves it, pretty-printed for review: what `npm run openapi` writes to sdk/openapi.json. */
export function openApiDocumentText(): string {
  return `${JSON.stringify(openApiDocument(PORTCULLIS_VERSION), null, 2)}\n`;
}
