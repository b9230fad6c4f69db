import { z } from "zod";
import type { Operation } from "../operation";

const up = z.enum(["up", "down"]);

const health = z.object({
  status: z.enum(["healthy", "degraded", "unhealthy"]),
  version: z.string(),
  checks: z.object({ database: up, redis: up, keys: up, sms: up }),
  sms_providers: z.record(z.string(), z.enum(["up", "down", "not_configured"])),
  latency_ms: z.object({ database: z.number().nullable(), redis: z.number().nullable() }),
  revocation_outbox: z.object({ pending: z.number().int().nullable(), oldest_age_seconds: z.number().nullable() }),
  webhook_outbox: z.object({ pending: z.number().int().nullable(), oldest_due_age_seconds: z.number().nullable() }).meta({ description: "Webhook deliveries not yet succeeded or dead, and how long the oldest due one has waited." }),
});

const jwk = z.looseObject({ kty: z.string(), kid: z.string(), alg: z.enum(["ES256", "RS256"]), use: z.literal("sig") });

export const discoveryOperations: readonly Operation[] = [
  {
    method: "get",
    path: "/health",
    tag: "discovery",
    summary: "The issuer's health and its dependencies",
    description: "`200` healthy, `207` degraded (Redis or every SMS provider down; sign-in still works), `503` unhealthy (database or signing keys down). Never names a host or holds a secret.",
    security: [],
    answers: {
      200: { description: "Healthy.", json: health },
      207: { description: "Degraded: sign-in works, something around it does not.", json: health },
      503: { description: "Unhealthy: sign-in cannot work.", json: health },
    },
  },
  {
    method: "get",
    path: "/.well-known/jwks.json",
    tag: "discovery",
    summary: "The public keys that verify access tokens and id_tokens",
    description: "The current key, the next key (published before it signs) and retired keys until their tokens have expired. Cached for 300 s.",
    security: [],
    answers: { 200: { description: "The key set.", json: z.object({ keys: z.array(jwk) }), headers: { "Cache-Control": "public, max-age=300" } } },
  },
  {
    method: "get",
    path: "/.well-known/openid-configuration",
    tag: "discovery",
    summary: "OpenID Provider metadata",
    security: [],
    answers: {
      200: {
        description: "Discovery metadata (OpenID Connect Discovery 1.0, RFC 8414).",
        json: z.looseObject({
          issuer: z.string(),
          jwks_uri: z.string(),
          authorization_endpoint: z.string(),
          token_endpoint: z.string(),
          userinfo_endpoint: z.string(),
          end_session_endpoint: z.string(),
          introspection_endpoint: z.string(),
          revocation_endpoint: z.string(),
          response_types_supported: z.array(z.string()),
          code_challenge_methods_supported: z.array(z.string()),
          grant_types_supported: z.array(z.string()),
          scopes_supported: z.array(z.string()),
          id_token_signing_alg_values_supported: z.array(z.string()),
          token_endpoint_auth_methods_supported: z.array(z.string()),
          authorization_response_iss_parameter_supported: z.literal(true),
        }),
      },
    },
  },
  {
    method: "get",
    path: "/openapi.json",
    tag: "discovery",
    summary: "This document",
    description: "The OpenAPI 3.1 description of every issuer route, built from the schemas the routes validate with.",
    security: [],
    answers: { 200: { description: "The OpenAPI document.", json: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }) } },
  },
];
