/**
 * Schemas of what the issuer answers, for the API description only: the routes validate what
 * comes in; what goes out is held to these by the integration tests, which check every answer
 * they see against the document (test/workers/issuer/support/api-conformance.ts).
 */
import { z } from "zod";

export const timestamp = z.string().meta({ format: "date-time", description: "ISO 8601, UTC." });
export const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]+$`));

/** A session as every sign-in answers it (phone, email, password, second factor, passkey). */
export const tokenPair = z.object({
  token: z.string().meta({ description: "The access token (ES256 `at+jwt`)." }),
  refresh_token: z.string().meta({ description: "Opaque; rotated on every refresh; keep it secret." }),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().meta({ description: "Seconds until the access token expires." }),
});

export const signedIn = tokenPair.extend({
  user_id: id("usr"),
  is_new_user: z.boolean(),
});

export const phoneSignedIn = signedIn.extend({ verified: z.literal(true) });

/** `POST /api/auth/login` and the hosted flows when a second factor is due. */
export const mfaRequired = z.object({
  mfa_required: z.literal(true),
  mfa_token: z.string().meta({ description: "Names this sign-in for `/api/auth/mfa/verify`; lives 5 minutes and 5 wrong codes." }),
  methods: z.array(z.enum(["totp", "recovery_code", "passkey"])),
  expires_in: z.number().int(),
  enrollment_required: z.literal(true).optional().meta({ description: "The tenant requires a second factor and the user has none: enrol one of `enroll`, with the `mfa_token` as Bearer." }),
  enroll: z.array(z.enum(["totp", "passkey"])).optional(),
});

/** What every first factor answers: a session, or the second step still owed. */
export const signInAnswer = z.union([signedIn, mfaRequired]);

export const identity = z.object({ provider: z.string(), email: z.string().nullable(), linked_at: timestamp });

/** A user as both the user (`/api/auth/me`) and the operator (`/api/admin/users`) see it. */
export const userFields = z.object({
  user_id: id("usr"),
  tenant_id: id("tn"),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  has_password: z.boolean(),
  roles: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  created_at: timestamp,
});

export const profile = userFields.extend({
  mfa: z.object({ totp: z.boolean(), passkeys: z.number().int(), recovery_codes_remaining: z.number().int() }),
  identities: z.array(identity),
});

export const deviceSession = z.object({
  session_id: id("ses"),
  created_at: timestamp,
  last_used_at: timestamp,
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  current: z.boolean().meta({ description: "The session of the access token that asked." }),
  amr: z.array(z.string()),
});

const introspectedCommon = {
  active: z.literal(true),
  sub: z.string(),
  tid: id("tn"),
  roles: z.array(z.string()),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number().int(),
  iat: z.number().int(),
  jti: z.string(),
};

export const introspection = z.union([
  z.strictObject({ ...introspectedCommon, sid: id("ses"), auth_time: z.number().int().optional(), amr: z.array(z.string()).optional() }),
  z.strictObject({ ...introspectedCommon, token_type: z.literal("client"), client_id: z.string() }),
  z.strictObject({ active: z.literal(false) }),
]);
