import type { Hono } from "hono";
import { z } from "zod";
import { isId } from "../../../shared/crypto/ids";
import { ROLE_PATTERN } from "../../../shared/domain/access-token-claims";
import { isAllowedRedirectUri, REDIRECT_URI_RULE } from "../../../shared/domain/redirect-uri";
import { NO_CONTROL_CHARACTERS, ROLE_RULE } from "../../../shared/domain/tenant-settings";
import { err, ok } from "../../../shared/errors/result";
import type { AppEnv } from "../../../shared/http/create-app";
import { resource } from "../../../shared/http/create-app";
import { expectNoBody } from "../../../shared/http/json-body";
import { jsonInput, noContent, respond } from "../../../shared/http/respond";
import type { IssuerBindings } from "../app";
import { createClient, deleteClient, getClient, listClients, updateClient } from "../services/oauth/clients";

/** More redirect URIs than this is a misconfiguration; each is compared on every authorization request. */
const MAX_REDIRECT_URIS = 20;

const name = z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, "must not contain control characters.");
const redirectUris = z.array(z.string().refine(isAllowedRedirectUri, REDIRECT_URI_RULE)).max(MAX_REDIRECT_URIS);
const alg = z.enum(["RS256", "ES256"]);
const roles = z.array(z.string().regex(ROLE_PATTERN, ROLE_RULE)).max(20);

export const createClientSchema = z.strictObject({
  name,
  redirect_uris: redirectUris,
  post_logout_redirect_uris: redirectUris.optional(),
  type: z.enum(["public", "confidential"]),
  first_party: z.boolean().optional(),
  id_token_signed_response_alg: alg.optional(),
  roles: roles.optional(),
});
export const updateClientSchema = z.strictObject({
  name: name.optional(),
  redirect_uris: redirectUris.optional(),
  post_logout_redirect_uris: redirectUris.optional(),
  first_party: z.boolean().optional(),
  id_token_signed_response_alg: alg.optional(),
  roles: roles.optional(),
});

function idParam(prefix: "tn" | "cli", value: string | undefined) {
  return value !== undefined && isId(prefix, value) ? ok(value) : err({ reason: "not_found" as const });
}

/** `/api/admin/tenants/{id}/clients`: registered after the admin routes, whose middleware (admin token, Idempotency-Key) covers these. */
export function oauthClientAdminRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/admin/tenants/:id/clients", {
    POST: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      const input = await jsonInput(c, createClientSchema);
      if (!input.ok) return respond(input);
      const body = input.value;
      // A public client only has redirects to go to; a confidential one may only do client_credentials.
      if (body.type === "public" && body.redirect_uris.length === 0) {
        return respond(err({ reason: "invalid_request", field: "redirect_uris", message: "redirect_uris must list at least one URI for a public client." }));
      }
      return respond(
        await createClient(
          c.get("deps"),
          c.get("audit"),
          id.value,
          {
            name: body.name,
            type: body.type,
            firstParty: body.first_party ?? false,
            redirectUris: body.redirect_uris,
            postLogoutRedirectUris: body.post_logout_redirect_uris ?? [],
            idTokenAlg: body.id_token_signed_response_alg ?? "RS256",
            roles: body.roles ?? [],
          },
          new Date(),
        ),
        201,
      );
    },
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      return respond(await listClients(c.get("deps"), id.value));
    },
  });

  resource(app, "/api/admin/tenants/:id/clients/:clientId", {
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const clientId = idParam("cli", c.req.param("clientId"));
      if (!id.ok) return respond(id);
      if (!clientId.ok) return respond(clientId);
      return respond(await getClient(c.get("deps"), id.value, clientId.value));
    },
    PATCH: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const clientId = idParam("cli", c.req.param("clientId"));
      if (!id.ok) return respond(id);
      if (!clientId.ok) return respond(clientId);
      const input = await jsonInput(c, updateClientSchema);
      if (!input.ok) return respond(input);
      const body = input.value;
      return respond(
        await updateClient(
          c.get("deps"),
          c.get("audit"),
          id.value,
          clientId.value,
          {
            ...(body.name === undefined ? {} : { name: body.name }),
            ...(body.redirect_uris === undefined ? {} : { redirectUris: body.redirect_uris }),
            ...(body.post_logout_redirect_uris === undefined ? {} : { postLogoutRedirectUris: body.post_logout_redirect_uris }),
            ...(body.first_party === undefined ? {} : { firstParty: body.first_party }),
            ...(body.id_token_signed_response_alg === undefined ? {} : { idTokenAlg: body.id_token_signed_response_alg }),
            ...(body.roles === undefined ? {} : { roles: body.roles }),
          },
          new Date(),
        ),
      );
    },
    DELETE: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const clientId = idParam("cli", c.req.param("clientId"));
      if (!id.ok) return respond(id);
      if (!clientId.ok) return respond(clientId);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      return noContent(await deleteClient(c.get("deps"), c.get("audit"), id.value, clientId.value, new Date()));
    },
  });
}
