import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../support/http-server";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole body, or answers 413 and resolves `null` when it is over 1 MiB. */
export async function readBodyOrRefuse(request: IncomingMessage, response: ServerResponse): Promise<Buffer | null> {
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === null) sendJson(response, 413, { error: `request body is larger than ${MAX_BODY_BYTES} bytes` });
  return body;
}
