import { createMiddleware } from "hono/factory";
import { newId } from "../crypto/ids";

export const REQUEST_ID_HEADER = "X-Request-Id";

/** Letters, digits and a few separators, at most 128 characters: safe to log and to echo. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type RequestIdVariables = { requestId: string };

export function saneRequestId(incoming: string | null | undefined): string {
  return incoming && SANE_REQUEST_ID.test(incoming) ? incoming : newId("req");
}

/** Takes the caller's X-Request-Id when it is sane, otherwise mints one, and echoes it on every response. */
export const requestId = createMiddleware<{ Variables: RequestIdVariables }>(async (c, next) => {
  const id = saneRequestId(c.req.header(REQUEST_ID_HEADER));
  c.set("requestId", id);
  await next();
  c.res.headers.set(REQUEST_ID_HEADER, id);
});
