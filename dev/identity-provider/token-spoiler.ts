import type { ServerResponse } from "node:http";
import { decodeJwt } from "jose";
import { spoilIdToken, type BadTokenQueue } from "./bad-token";
import type { PrivateSigningKey } from "./signing-keys";

/**
 * Lets oidc-provider answer a token request, then re-signs the id_token of its JSON answer when a
 * spoiler is queued for that client (the id_token's `aud`). Everything else passes untouched.
 */
export function spoilTokenResponse(response: ServerResponse, badTokens: BadTokenQueue, key: () => PrivateSigningKey): void {
  const chunks: Buffer[] = [];
  const write = response.write.bind(response);
  const end = response.end.bind(response);
  response.write = ((chunk: unknown) => {
    chunks.push(Buffer.from(chunk as Buffer));
    return true;
  }) as typeof response.write;
  response.end = ((chunk?: unknown) => {
    if (chunk !== undefined && typeof chunk !== "function") chunks.push(Buffer.from(chunk as Buffer));
    void rewrite(Buffer.concat(chunks), badTokens, key()).then(
      (body) => {
        if (!response.headersSent) response.setHeader("content-length", body.length.toString());
        write(body);
        end();
      },
      () => end(),
    );
    return response;
  }) as typeof response.end;
}

async function rewrite(body: Buffer, badTokens: BadTokenQueue, key: PrivateSigningKey): Promise<Buffer> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return body;
  }
  if (typeof parsed !== "object" || parsed === null || !("id_token" in parsed) || typeof parsed.id_token !== "string") return body;
  const { aud } = decodeJwt(parsed.id_token);
  const clientId = Array.isArray(aud) ? aud[0] : aud;
  const kind = clientId === undefined ? undefined : badTokens.take(clientId);
  if (kind === undefined) return body;
  return Buffer.from(JSON.stringify({ ...parsed, id_token: await spoilIdToken(parsed.id_token, key, kind) }));
}
