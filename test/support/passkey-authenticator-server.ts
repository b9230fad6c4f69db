import { createCredential, getAssertion, type AuthenticatorBehaviour, type AuthenticatorState } from "../../dev/passkey/software-authenticator";
import { listen, readBody, sendJson, type RunningServer } from "../../dev/support/http-server";

export interface CeremonyRequest {
  readonly state: AuthenticatorState;
  readonly origin: string;
  readonly options: Record<string, unknown>;
  readonly behaviour?: AuthenticatorBehaviour;
}

/**
 * The software authenticator for tests in workerd, which has no `node:crypto` to run it:
 * `POST /create` and `POST /get` take `{state, origin, options, behaviour}` and answer
 * `{credential, state}`, or `{error}` with 400 when the authenticator refuses (as a browser would).
 */
export async function startPasskeyAuthenticator(): Promise<RunningServer> {
  return listen(
    async (request, response) => {
      const ceremony = request.method === "POST" && (request.url === "/create" || request.url === "/get") ? request.url : null;
      if (!ceremony) return sendJson(response, 404, { error: "POST /create or /get" });
      const body = await readBody(request, 1024 * 1024);
      if (!body) return sendJson(response, 413, { error: "too large" });
      const input = JSON.parse(body.toString("utf8")) as CeremonyRequest;
      try {
        const result = ceremony === "/create" ? createCredential(input.state, input.origin, input.options as never, input.behaviour) : getAssertion(input.state, input.origin, input.options as never, input.behaviour);
        sendJson(response, 200, result);
      } catch (error) {
        sendJson(response, 400, { error: error instanceof Error ? `${error.name}: ${error.message}` : "refused" });
      }
    },
    { port: 0 },
  );
}
