import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import type { FederationEndpoints } from "../../../shared/config/federation-endpoints";
import { sealSecret } from "../../../shared/crypto/key-encryption";
import type { ConnectionRecord } from "../../../shared/ports/connection-store";
import type { FederationDeps } from "../../../workers/issuer/services/federation/upstream";

/**
 * A loopback HTTP server that plays the providers' side: discovery, JWKS, token endpoint and
 * GitHub's API, each test under its own path so the library's per-isolate caches never mix them.
 */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type Reply = { readonly status: number; readonly body: string; readonly headers?: Record<string, string> } | "stall";
type Route = (request: SeenRequest) => Reply;

const routes = new Map<string, Route>();
const stalled: ServerResponse[] = [];
export const seen: SeenRequest[] = [];
let server: Server | null = null;
let origin = "";
let counter = 0;

export const KEY_ENCRYPTION_SECRET = "a-key-encryption-secret-of-enough-length-for-tests";
export const CLIENT_SECRET = "client secret: with spaces & symbols";

export async function startStandIn(): Promise<void> {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://stand-in").pathname;
      const entry: SeenRequest = { method: request.method ?? "", path, headers: request.headers, body };
      seen.push(entry);
      const route = routes.get(path);
      const reply: Reply = route ? route(entry) : json({ error: "not_found" }, 404);
      if (reply === "stall") {
        stalled.push(response);
        return;
      }
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function stopStandIn(): Promise<void> {
  for (const response of stalled) response.destroy();
  await new Promise((resolve) => server?.close(resolve));
}

export const json = (value: unknown, status = 200): Reply => ({ status, body: JSON.stringify(value) });

export function route(path: string, handler: Route): void {
  routes.set(path, handler);
}

/** A fresh path on the stand-in, never used by another test. */
export function freshBase(): { readonly base: string; readonly path: string } {
  counter += 1;
  const path = `/p${counter}`;
  return { base: `${origin}${path}`, path };
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(kid: string, alg: "RS256" | "ES256" = "RS256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export async function signIdToken(key: SigningKey, claims: JWTPayload, header: { alg?: string; kid?: string } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: header.alg ?? (key.publicJwk.alg as string), kid: header.kid ?? key.kid }).sign(key.privateKey);
}

/** A JWT with `alg: none` and no signature, as an attacker would send it. */
export function unsignedIdToken(claims: JWTPayload): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

export interface OpenIdStandIn {
  readonly issuer: string;
  readonly base: string;
  readonly path: string;
  /** the keys the JWKS endpoint publishes; replace to rotate */
  published: SigningKey[];
  jwksFetches: number;
  /** what the token endpoint answers next */
  tokenReply: Reply;
  readonly tokenRequests: SeenRequest[];
  discovery: Record<string, unknown>;
}

/** An OpenID Provider under a fresh path: discovery at `${issuer}/.well-known/openid-configuration`. */
export async function openIdStandIn(options: { readonly issuerPath?: string; readonly issuer?: (base: string) => string; readonly discoveryBase?: (base: string) => string } = {}): Promise<OpenIdStandIn & { key: SigningKey }> {
  const { base, path } = freshBase();
  const issuer = options.issuer ? options.issuer(base) : base;
  const key = await signingKey(`k-${path.slice(1)}-1`);
  const standIn: OpenIdStandIn & { key: SigningKey } = {
    issuer,
    base,
    path,
    key,
    published: [key],
    jwksFetches: 0,
    tokenReply: json({ error: "server_error" }, 500),
    tokenRequests: [],
    discovery: {
      issuer,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/jwks`,
      id_token_signing_alg_values_supported: ["RS256", "ES256"],
      response_types_supported: ["code"],
    },
  };
  const discoveryPath = options.discoveryBase ? new URL(options.discoveryBase(base)).pathname : path;
  route(`${discoveryPath}/.well-known/openid-configuration`, () => json(standIn.discovery));
  route(`${path}/jwks`, () => {
    standIn.jwksFetches += 1;
    return json({ keys: standIn.published.map((published) => published.publicJwk) });
  });
  route(`${path}/token`, (request) => {
    standIn.tokenRequests.push(request);
    return standIn.tokenReply;
  });
  return standIn;
}

export function endpoints(overrides: Partial<FederationEndpoints> = {}): FederationEndpoints {
  return {
    allowLoopbackHttp: true,
    googleIssuer: "https://accounts.google.com",
    microsoftBase: "https://login.microsoftonline.com",
    githubBase: "https://github.com",
    githubApi: "https://api.github.com",
    appleIssuer: "https://appleid.apple.com",
    ...overrides,
  };
}

export interface TestClock {
  now: Date;
}

export function federationDeps(clock: TestClock, overrides: Partial<FederationEndpoints> = {}): FederationDeps {
  return { endpoints: endpoints(overrides), keyEncryptionSecret: KEY_ENCRYPTION_SECRET, fetch: globalThis.fetch, now: () => clock.now };
}

export async function connection(fields: Partial<ConnectionRecord> & Pick<ConnectionRecord, "provider">): Promise<ConnectionRecord> {
  counter += 1;
  const id = `con_${String(counter).padStart(26, "a")}`;
  return {
    id,
    tenantId: "ten_test",
    clientId: "portcullis-client",
    sealedClientSecret: fields.provider === "apple" ? null : await sealSecret(KEY_ENCRYPTION_SECRET, "connection-secret", CLIENT_SECRET, id),
    issuer: null,
    scopes: ["openid", "email", "profile"],
    displayName: null,
    enabled: true,
    keepProviderTokens: false,
    apple: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...fields,
  };
}
