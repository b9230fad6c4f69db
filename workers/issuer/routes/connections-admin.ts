import type { Hono } from "hono";
import { importPKCS8 } from "jose";
import { z } from "zod";
import type { FederationEndpoints } from "../../../shared/config/federation-endpoints";
import { isId } from "../../../shared/crypto/ids";
import { DEFAULT_SCOPES, PROVIDER_KINDS, withOpenId, type ProviderKind } from "../../../shared/domain/connections";
import { NO_CONTROL_CHARACTERS } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok } from "../../../shared/errors/result";
import type { AppEnv } from "../../../shared/http/create-app";
import { resource } from "../../../shared/http/create-app";
import { expectNoBody } from "../../../shared/http/json-body";
import { jsonInput, noContent, respond } from "../../../shared/http/respond";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
  type ConnectionAdminDeps,
  type ConnectionInputChanges,
} from "../services/federation/connection-admin";

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const ENTRA_TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const printable = (max: number) => z.string().min(1).max(max).regex(/^[\x20-\x7e]+$/, "must be printable ASCII.");
const clientId = printable(255);
const clientSecret = z.string().min(1).max(1024).regex(/^[\x20-\x7e]+$/, "must be printable ASCII.");
const scopes = z.array(z.string().max(100).regex(SCOPE_TOKEN, "must be a scope token: printable ASCII without spaces, quotes or backslashes.")).max(20);
const displayName = z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, "must not contain control characters.");
const issuer = z.string().max(500);
/** Apple's team and key ids are ten upper-case letters and digits. */
const appleId = z.string().regex(/^[A-Z0-9]{10}$/, "must be the ten letters and digits Apple shows.");
const privateKey = z.string().min(1).max(4096);

export const createConnectionSchema = z.strictObject({
  provider: z.enum(PROVIDER_KINDS, { error: `must be one of ${PROVIDER_KINDS.join(", ")}.` }),
  client_id: clientId,
  client_secret: clientSecret.optional(),
  issuer: issuer.optional(),
  scopes: scopes.optional(),
  display_name: displayName.optional(),
  enabled: z.boolean().optional(),
  keep_provider_tokens: z.boolean().optional(),
  team_id: appleId.optional(),
  key_id: appleId.optional(),
  private_key: privateKey.optional(),
});

export const updateConnectionSchema = z.strictObject({
  client_id: clientId.optional(),
  client_secret: clientSecret.optional(),
  issuer: issuer.nullable().optional(),
  scopes: scopes.optional(),
  display_name: displayName.nullable().optional(),
  enabled: z.boolean().optional(),
  keep_provider_tokens: z.boolean().optional(),
  team_id: appleId.optional(),
  key_id: appleId.optional(),
  private_key: privateKey.optional(),
});

function idParam(prefix: "tn" | "con", value: string | undefined) {
  return value !== undefined && isId(prefix, value) ? ok(value) : err({ reason: "not_found" as const });
}

function adminDeps(deps: IssuerDeps): ConnectionAdminDeps {
  return { tenants: deps.tenants, connections: deps.connections, keyEncryptionSecret: deps.config.keyEncryptionSecret, issuerUrl: deps.config.issuerUrl };
}

function invalid(field: string, message: string): Failure {
  return { reason: "invalid_request", field, message };
}

/** `/api/admin/tenants/{id}/connections`: registered after the admin routes, whose middleware (admin token, Idempotency-Key) covers these. */
export function connectionAdminRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/admin/tenants/:id/connections", {
    POST: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      const input = await jsonInput(c, createConnectionSchema);
      if (!input.ok) return respond(input);
      const body = input.value;
      const deps = c.get("deps");
      const refusal =
        providerFieldRefusal(body.provider, body) ??
        (await appleKeyRefusal(body.provider, body)) ??
        rulesRefusal(body.provider, deps.config.federation, { issuer: body.issuer ?? null, scopes: body.scopes ?? DEFAULT_SCOPES[body.provider], hasSecret: body.client_secret !== undefined });
      if (refusal) return respond(err(refusal));
      return respond(
        await createConnection(
          adminDeps(deps),
          c.get("audit"),
          id.value,
          body.provider,
          {
            clientId: body.client_id,
            clientSecret: body.client_secret ?? null,
            issuer: body.issuer ?? null,
            scopes: withOpenId(body.provider, body.scopes ?? DEFAULT_SCOPES[body.provider]),
            displayName: body.display_name ?? null,
            enabled: body.enabled ?? true,
            keepProviderTokens: body.keep_provider_tokens ?? false,
            apple: body.provider === "apple" && body.team_id !== undefined && body.key_id !== undefined && body.private_key !== undefined ? { teamId: body.team_id, keyId: body.key_id, privateKey: body.private_key } : null,
          },
          new Date(),
        ),
        201,
      );
    },
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      return respond(await listConnections(adminDeps(c.get("deps")), id.value));
    },
  });

  resource(app, "/api/admin/tenants/:id/connections/:connectionId", {
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const connectionId = idParam("con", c.req.param("connectionId"));
      if (!id.ok) return respond(id);
      if (!connectionId.ok) return respond(connectionId);
      return respond(await getConnection(adminDeps(c.get("deps")), id.value, connectionId.value));
    },
    PATCH: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const connectionId = idParam("con", c.req.param("connectionId"));
      if (!id.ok) return respond(id);
      if (!connectionId.ok) return respond(connectionId);
      const input = await jsonInput(c, updateConnectionSchema);
      if (!input.ok) return respond(input);
      const body = input.value;
      const deps = c.get("deps");
      const appleFields = [body.team_id, body.key_id, body.private_key].filter((value) => value !== undefined).length;
      if (appleFields !== 0 && appleFields !== 3) return respond(err(invalid("private_key", "team_id, key_id and private_key change together.")));
      if (body.private_key !== undefined && !(await isEs256Pkcs8(body.private_key))) return respond(err(invalid("private_key", APPLE_KEY_RULE)));
      const changes: ConnectionInputChanges = {
        ...(body.client_id === undefined ? {} : { clientId: body.client_id }),
        ...(body.client_secret === undefined ? {} : { clientSecret: body.client_secret }),
        ...(body.issuer === undefined ? {} : { issuer: body.issuer }),
        ...(body.display_name === undefined ? {} : { displayName: body.display_name }),
        ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
        ...(body.keep_provider_tokens === undefined ? {} : { keepProviderTokens: body.keep_provider_tokens }),
        ...(body.team_id !== undefined && body.key_id !== undefined && body.private_key !== undefined ? { apple: { teamId: body.team_id, keyId: body.key_id, privateKey: body.private_key } } : {}),
      };
      return respond(
        await updateConnection(
          adminDeps(deps),
          c.get("audit"),
          id.value,
          connectionId.value,
          { ...changes, ...(body.scopes === undefined ? {} : { scopes: body.scopes }) },
          (provider, after) => {
            const fieldRefusal = providerFieldRefusal(provider, { ...body, issuer: body.issuer ?? undefined });
            if (fieldRefusal) return fieldRefusal;
            return rulesRefusal(provider, deps.config.federation, after);
          },
          new Date(),
        ),
      );
    },
    DELETE: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const connectionId = idParam("con", c.req.param("connectionId"));
      if (!id.ok) return respond(id);
      if (!connectionId.ok) return respond(connectionId);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      return noContent(await deleteConnection(adminDeps(c.get("deps")), c.get("audit"), id.value, connectionId.value));
    },
  });
}

/** Fields that belong to other providers are refused rather than silently dropped. */
function providerFieldRefusal(provider: ProviderKind, body: { readonly issuer?: string | undefined; readonly client_secret?: string | undefined; readonly team_id?: string | undefined; readonly key_id?: string | undefined; readonly private_key?: string | undefined }): Failure | null {
  if (provider === "apple") {
    if (body.client_secret !== undefined) return invalid("client_secret", "Apple connections sign their own client secret: send team_id, key_id and private_key instead.");
  } else if (body.team_id !== undefined || body.key_id !== undefined || body.private_key !== undefined) {
    return invalid(body.private_key !== undefined ? "private_key" : body.team_id !== undefined ? "team_id" : "key_id", "only Apple connections take team_id, key_id and private_key.");
  }
  if ((provider === "google" || provider === "github" || provider === "apple") && body.issuer !== undefined) {
    return invalid("issuer", `${provider} connections use the provider's own issuer; leave issuer out.`);
  }
  return null;
}

async function appleKeyRefusal(provider: ProviderKind, body: { readonly team_id?: string | undefined; readonly key_id?: string | undefined; readonly private_key?: string | undefined }): Promise<Failure | null> {
  if (provider !== "apple") return null;
  if (body.team_id === undefined) return invalid("team_id", "is required for Apple connections.");
  if (body.key_id === undefined) return invalid("key_id", "is required for Apple connections.");
  if (body.private_key === undefined) return invalid("private_key", "is required for Apple connections.");
  return (await isEs256Pkcs8(body.private_key)) ? null : invalid("private_key", APPLE_KEY_RULE);
}

const APPLE_KEY_RULE = "must be the PKCS#8 PEM of a P-256 key (the .p8 file Apple gives you).";

async function isEs256Pkcs8(pem: string): Promise<boolean> {
  try {
    await importPKCS8(pem, "ES256");
    return true;
  } catch {
    return false;
  }
}

/** Rules that join fields; checked on create and, for a PATCH, on the connection as it would become. */
function rulesRefusal(provider: ProviderKind, endpoints: FederationEndpoints, after: { readonly issuer: string | null; readonly scopes: readonly string[]; readonly hasSecret: boolean }): Failure | null {
  if (provider !== "apple" && !after.hasSecret) return invalid("client_secret", "is required: the provider's secret for this client.");
  if (provider === "oidc") {
    if (after.issuer === null) return invalid("issuer", "is required for an OpenID Connect connection: the provider's issuer URL.");
    if (!isIssuerUrl(after.issuer, endpoints.allowLoopbackHttp)) return invalid("issuer", "must be an https URL without query, fragment or credentials.");
  }
  if (provider === "microsoft" && after.issuer !== null && !isEntraIssuer(after.issuer, endpoints.microsoftBase)) {
    return invalid("issuer", `must be ${endpoints.microsoftBase}/<your Entra tenant id>/v2.0, or left out to accept any Microsoft account.`);
  }
  if (new Set(after.scopes).size !== after.scopes.length) return invalid("scopes", "must not name a scope twice.");
  return null;
}

function isIssuerUrl(value: string, allowLoopbackHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || value.includes("#") || value.includes("?")) return false;
  if (url.protocol === "https:") return true;
  return allowLoopbackHttp && url.protocol === "http:" && (url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]");
}

function isEntraIssuer(value: string, base: string): boolean {
  const prefix = `${base.replace(/\/+$/, "")}/`;
  if (!value.startsWith(prefix) || !value.endsWith("/v2.0")) return false;
  return ENTRA_TENANT_ID.test(value.slice(prefix.length, -"/v2.0".length));
}
