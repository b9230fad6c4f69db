/** For the gate-signature tests: a request signed exactly as the gate signs what it forwards. */
import { GateSigner } from "../../../sdk/src/server/gate-signature/sign";

export const SECRET = "a-gate-signing-secret-of-at-least-32-chars";
export const NOW = 1_800_000_000;
export const ORIGIN = "https://origin.example";
export const USER = { userId: "usr_a", tenantId: "tn_b", sessionId: "ses_c", roles: ["user", "admin"] } as const;
/** How the user signed in, as the gate forwards it: a password and a second factor, 90 s before NOW. */
/** A client calling with its own `client_credentials` token. */
export const CLIENT = { clientId: "cli_d", tenantId: "tn_b", roles: ["reports:read"] } as const;
export const SIGN_IN = { amr: ["pwd", "otp", "mfa"], authTime: NOW - 90 } as const;

export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export async function signedRequest(
  options: {
    method?: string;
    url?: string;
    body?: string;
    signedIn?: boolean;
    /** Signed for a client's token: the client headers instead of the user's (implies signedIn false). */
    asClient?: boolean;
    /** False: signed as a gate from before the `amr` and `auth_time` headers (or for a token without them). */
    signInHeaders?: boolean;
    clientAddress?: string | null;
    created?: number;
    secret?: string;
  } = {},
): Promise<SignedRequest> {
  const method = options.method ?? "POST";
  const url = new URL(options.url ?? `${ORIGIN}/orders?page=2`);
  const body = new TextEncoder().encode(options.body ?? '{"item":"book"}');
  const headers = new Headers({ "Content-Type": "application/json", "X-Request-Id": "req_d" });
  const asClient = options.asClient ?? false;
  const signedIn = !asClient && (options.signedIn ?? true);
  if (asClient) {
    headers.set("X-Portcullis-Client-Id", CLIENT.clientId);
    headers.set("X-Tenant-Id", CLIENT.tenantId);
    headers.set("X-Portcullis-Client-Roles", CLIENT.roles.join(","));
  }
  if (signedIn) {
    headers.set("X-User-Id", USER.userId);
    headers.set("X-Tenant-Id", USER.tenantId);
    headers.set("X-Session-Id", USER.sessionId);
    headers.set("X-User-Roles", USER.roles.join(","));
  }
  const signInHeaders = signedIn && (options.signInHeaders ?? true);
  if (signInHeaders) {
    headers.set("X-Portcullis-Amr", SIGN_IN.amr.join(","));
    headers.set("X-Portcullis-Auth-Time", String(SIGN_IN.authTime));
  }
  const clientAddress = options.clientAddress === undefined ? "203.0.113.7" : options.clientAddress;
  if (clientAddress !== null) {
    headers.set("X-Forwarded-For", clientAddress);
    headers.set("X-Real-IP", clientAddress);
    headers.set("True-Client-IP", clientAddress);
    headers.set("Forwarded", `for=${clientAddress}`);
  }
  await new GateSigner(options.secret ?? SECRET).sign({ method, url, headers, body, caller: asClient ? "client" : signedIn ? "user" : null, amrSet: signInHeaders, authTimeSet: signInHeaders, clientAddressSet: clientAddress !== null, created: options.created ?? NOW });
  return { method, url: url.toString(), headers, body };
}

/** The headers as the plain record a Node server hands over (lower-case names). */
export function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}
