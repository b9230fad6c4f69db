import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { EmailTokenPurpose } from "../shared/ports/email-token-store";

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const moment = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const tenants = pgTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  updatedAt: moment("updated_at").notNull().defaultNow(),
});

/** A publishable api_key and a secret_key, stored only as SHA-256 hashes. */
export const tenantKeys = pgTable(
  "tenant_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    apiKeyHash: text("api_key_hash").notNull().unique(),
    secretKeyHash: text("secret_key_hash").notNull().unique(),
    createdAt: createdAt(),
  },
  (table) => [index("tenant_keys_tenant_idx").on(table.tenantId)],
);

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    /** E.164; null once the user is deleted (personal data erased). */
    phone: text("phone"),
    /** Stored as the user gave it; unique per tenant among live users, compared case-insensitively. */
    email: text("email"),
    /** A user is found by a verified address only; an unverified one is a claim. */
    emailVerified: boolean("email_verified").notNull().default(false),
    /** Argon2id PHC string; null for users without a password. Erased with the user. */
    passwordHash: text("password_hash"),
    roles: jsonb("roles").$type<string[]>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    disabled: boolean("disabled").notNull().default(false),
    /** Access tokens issued before this instant are revoked (logout-all, disable, delete). */
    tokensValidAfter: moment("tokens_valid_after"),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
    deletedAt: moment("deleted_at"),
  },
  (table) => [
    uniqueIndex("users_tenant_phone_live_idx").on(table.tenantId, table.phone).where(sql`${table.deletedAt} is null`),
    uniqueIndex("users_tenant_email_live_idx").on(table.tenantId, sql`lower(${table.email})`).where(sql`${table.deletedAt} is null and ${table.email} is not null`),
    index("users_tenant_created_idx").on(table.tenantId, table.createdAt, table.id),
  ],
);

/** One sign-in: a refresh-token family that rotates on every use. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: moment("expires_at").notNull(),
    revokedAt: moment("revoked_at"),
    revokeReason: text("revoke_reason"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastUsedAt: moment("last_used_at"),
    /** How the user proved who they are (RFC 8176 values, e.g. `sms`, `pwd`), for "signed in on these devices". */
    amr: jsonb("amr").$type<string[]>().notNull().default(["sms"]),
    /** When the user last proved who they are for this session (OIDC `auth_time`); refreshes keep it. */
    authTime: moment("auth_time").notNull().defaultNow(),
    /** The browser session (issuer cookie) this session was opened under, if any: revoking either ends both. */
    browserSessionId: text("browser_session_id"),
    /** The OAuth client the session was issued to through `/oauth2/token`; null for the JSON sign-in routes. */
    clientId: text("client_id"),
    /** The scopes granted to the OAuth client (space-separated), which userinfo and refreshes release claims by; null for the JSON sign-in routes. */
    scope: text("scope"),
  },
  (table) => [index("sessions_user_idx").on(table.userId)],
);

/** An external account (social or enterprise sign-in) linked to a user. */
/**
 * A tenant's social or enterprise sign-in connection. The client secret and Apple's private key
 * are sealed with KEY_ENCRYPTION_SECRET (context: the connection id); never returned.
 */
export const connections = pgTable(
  "connections",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    clientId: text("client_id").notNull(),
    sealedClientSecret: text("sealed_client_secret"),
    issuer: text("issuer"),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    displayName: text("display_name"),
    enabled: boolean("enabled").notNull().default(true),
    keepProviderTokens: boolean("keep_provider_tokens").notNull().default(false),
    appleTeamId: text("apple_team_id"),
    appleKeyId: text("apple_key_id"),
    appleSealedPrivateKey: text("apple_sealed_private_key"),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (table) => [index("connections_tenant_idx").on(table.tenantId, table.createdAt)],
);

export const identities = pgTable(
  "identities",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** The provider kind (`google`, `github`, `apple`, `microsoft`, `oidc`): what `/api/auth/me` shows. */
    provider: text("provider").notNull(),
    /** The provider's stable subject for this account (`sub`). */
    subject: text("subject").notNull(),
    /** The address the provider reported, if any; erased with the user. */
    email: text("email"),
    linkedAt: moment("linked_at").notNull().defaultNow(),
    /** The connection it was linked through; its identities go with a deleted connection. */
    connectionId: text("connection_id").references(() => connections.id, { onDelete: "cascade" }),
    emailVerified: boolean("email_verified").notNull().default(false),
    /** The provider's tokens, sealed (`provider-tokens`, context: the identity id), only when the connection keeps them. */
    sealedTokens: text("sealed_tokens"),
  },
  (table) => [
    uniqueIndex("identities_tenant_connection_subject_idx").on(table.tenantId, table.connectionId, table.subject),
    index("identities_user_idx").on(table.userId),
  ],
);

/** The server-side half of an upstream sign-in, by the SHA-256 of its `state`; single use, ten minutes. */
export const upstreamRequests = pgTable(
  "upstream_requests",
  {
    stateHash: text("state_hash").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    connectionId: text("connection_id").notNull().references(() => connections.id, { onDelete: "cascade" }),
    browserBindingHash: text("browser_binding_hash").notNull(),
    nonceHash: text("nonce_hash"),
    sealedCodeVerifier: text("sealed_code_verifier").notNull(),
    purpose: text("purpose").$type<"sign_in" | "link">().notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    returnTo: text("return_to"),
    createdAt: createdAt(),
    expiresAt: moment("expires_at").notNull(),
    spentAt: moment("spent_at"),
  },
  (table) => [index("upstream_requests_expires_idx").on(table.expiresAt)],
);

/**
 * The tokens in links Portcullis emails: 32 random bytes, kept only as a keyed hash.
 * A token is spent by setting `used_at` in one conditional UPDATE, so exactly one use wins.
 * Rows are deleted by the cron once expired, and with their user's personal data.
 */
export const emailTokens = pgTable(
  "email_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    /** Null for a sign-in link to an address without an account yet. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<EmailTokenPurpose>().notNull(),
    /** The address the link was sent to (for `change_email`, the new address). */
    email: text("email").notNull(),
    /** The code request sent in the same email, if any: using either spends both. */
    requestId: text("request_id"),
    createdAt: createdAt(),
    expiresAt: moment("expires_at").notNull(),
    usedAt: moment("used_at"),
  },
  (table) => [
    index("email_tokens_tenant_email_idx").on(table.tenantId, sql`lower(${table.email})`),
    index("email_tokens_user_idx").on(table.userId),
    index("email_tokens_request_idx").on(table.requestId).where(sql`${table.requestId} is not null`),
    index("email_tokens_expires_idx").on(table.expiresAt),
  ],
);

export type TotpFactorState = "pending" | "active";

/**
 * A user's TOTP factor (RFC 6238). Pending from enrolment until a code confirms it; at most
 * one pending and one active per user. The secret is sealed like signing keys.
 */
export const totpFactors = pgTable(
  "totp_factors",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    state: text("state").$type<TotpFactorState>().notNull(),
    /** `v1.<iv>.<ciphertext>`: AES-256-GCM under KEY_ENCRYPTION_SECRET, the factor id bound as additional data. */
    sealedSecret: text("sealed_secret").notNull(),
    /** The time step of the last accepted code: a code is accepted at most once, and never an older one. */
    lastUsedStep: bigint("last_used_step", { mode: "number" }),
    createdAt: createdAt(),
    confirmedAt: moment("confirmed_at"),
  },
  (table) => [
    uniqueIndex("totp_factors_one_active_idx").on(table.userId).where(sql`${table.state} = 'active'`),
    uniqueIndex("totp_factors_one_pending_idx").on(table.userId).where(sql`${table.state} = 'pending'`),
  ],
);

/** Ten single-use codes per user, kept only as keyed hashes; a new set replaces the old one whole. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    usedAt: moment("used_at"),
  },
  (table) => [index("recovery_codes_user_idx").on(table.userId)],
);

/** A WebAuthn credential (passkey) registered by a user. */
export const passkeys = pgTable(
  "passkeys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** The authenticator's credential id, base64url. */
    credentialId: text("credential_id").notNull(),
    /** The public key as a JWK (JSON text), ready for WebCrypto. */
    publicKey: text("public_key").notNull(),
    /** COSE algorithm: -7 (ES256) or -257 (RS256). */
    algorithm: integer("algorithm").notNull(),
    /** The authenticator's signature counter (unsigned 32-bit); one that goes back is refused. */
    signCount: bigint("sign_count", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<string[]>().notNull().default([]),
    aaguid: text("aaguid"),
    backedUp: boolean("backed_up").notNull().default(false),
    name: text("name").notNull(),
    createdAt: createdAt(),
    lastUsedAt: moment("last_used_at"),
  },
  (table) => [
    uniqueIndex("passkeys_tenant_credential_idx").on(table.tenantId, table.credentialId),
    index("passkeys_user_idx").on(table.userId),
  ],
);

export type WebauthnChallengePurpose = "registration" | "authentication";

/**
 * WebAuthn challenges, looked up by `challenge_id`: single use (spent by one conditional
 * UPDATE), short-lived, deleted by the cron once expired. A registration challenge names its user.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<WebauthnChallengePurpose>().notNull(),
    /** The challenge sent to the authenticator, base64url. */
    challenge: text("challenge").notNull(),
    createdAt: createdAt(),
    expiresAt: moment("expires_at").notNull(),
    usedAt: moment("used_at"),
  },
  (table) => [index("webauthn_challenges_expires_idx").on(table.expiresAt)],
);

export type OAuthClientType = "public" | "confidential";

/** A tenant's OAuth 2.0 / OpenID Connect client. Redirect URIs match exactly; the secret is kept only as a hash. */
export const oauthClients = pgTable(
  "oauth_clients",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type").$type<OAuthClientType>().notNull(),
    firstParty: boolean("first_party").notNull().default(false),
    redirectUris: jsonb("redirect_uris").$type<string[]>().notNull(),
    postLogoutRedirectUris: jsonb("post_logout_redirect_uris").$type<string[]>().notNull().default([]),
    idTokenAlg: text("id_token_alg").$type<SigningAlgorithm>().notNull().default("RS256"),
    roles: jsonb("roles").$type<string[]>().notNull().default([]),
    /** Confidential clients only: SHA-256 of the secret shown once at creation. */
    secretHash: text("secret_hash"),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
    deletedAt: moment("deleted_at"),
  },
  (table) => [index("oauth_clients_tenant_idx").on(table.tenantId)],
);

/**
 * Authorization codes: kept only as a hash, single use (spent by one conditional UPDATE),
 * 60 s. A second use revokes the session the first use opened (`issued_session_id`).
 */
export const authorizationCodes = pgTable(
  "authorization_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull().references(() => oauthClients.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    browserSessionId: text("browser_session_id"),
    redirectUri: text("redirect_uri").notNull(),
    /** PKCE S256 challenge (RFC 7636), base64url. */
    codeChallenge: text("code_challenge").notNull(),
    nonce: text("nonce"),
    scope: text("scope").notNull(),
    authTime: moment("auth_time").notNull(),
    amr: jsonb("amr").$type<string[]>().notNull(),
    createdAt: createdAt(),
    expiresAt: moment("expires_at").notNull(),
    usedAt: moment("used_at"),
    issuedSessionId: text("issued_session_id"),
  },
  (table) => [index("authorization_codes_expires_idx").on(table.expiresAt)],
);

/** The issuer's sign-in cookie: an opaque id kept only as a hash, bound to one user of one tenant. */
export const browserSessions = pgTable(
  "browser_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    authTime: moment("auth_time").notNull(),
    amr: jsonb("amr").$type<string[]>().notNull(),
    createdAt: createdAt(),
    lastUsedAt: moment("last_used_at"),
    expiresAt: moment("expires_at").notNull(),
    revokedAt: moment("revoked_at"),
  },
  (table) => [index("browser_sessions_user_idx").on(table.userId), index("browser_sessions_expires_idx").on(table.expiresAt)],
);

/** What a user let a third-party (not first-party) client have. */
export const consents = pgTable(
  "consents",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull().references(() => oauthClients.id, { onDelete: "cascade" }),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    grantedAt: moment("granted_at").notNull().defaultNow(),
  },
  (table) => [uniqueIndex("consents_user_client_idx").on(table.userId, table.clientId)],
);

/** Every refresh token a session has had; only the newest unspent one is live. */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id").notNull().references(() => sessions.id, { onDelete: "cascade" }),
    generation: integer("generation").notNull(),
    createdAt: createdAt(),
    spentAt: moment("spent_at"),
    /**
     * The token itself, sealed, so that a retry of its predecessor within the tenant's
     * reuse interval is answered with this same token. Cleared when this token is spent
     * and by the cron once the longest interval has passed; null with no interval.
     */
    sealedToken: text("sealed_token"),
  },
  (table) => [
    uniqueIndex("refresh_tokens_session_generation_idx").on(table.sessionId, table.generation),
    index("refresh_tokens_sealed_created_idx").on(table.createdAt).where(sql`${table.sealedToken} is not null`),
  ],
);

export type SigningKeyState = "next" | "current" | "retired" | "withdrawn";

/** ES256 signing keys; the private half is AES-GCM encrypted under a worker secret. */
export type SigningAlgorithm = "ES256" | "RS256";

export const signingKeys = pgTable(
  "signing_keys",
  {
    kid: text("kid").primaryKey(),
    /** ES256 signs access tokens; RS256 (which OpenID Connect requires) signs id_tokens. Each has its own lifecycle. */
    alg: text("alg").$type<SigningAlgorithm>().notNull().default("ES256"),
    state: text("state").$type<SigningKeyState>().notNull(),
    publicJwk: jsonb("public_jwk").$type<Record<string, string>>().notNull(),
    encryptedPrivateKey: text("encrypted_private_key").notNull(),
    createdAt: createdAt(),
    activatedAt: moment("activated_at"),
    retiredAt: moment("retired_at"),
    /** A retired key stays published until every token it signed has expired. */
    publishUntil: moment("publish_until"),
  },
  (table) => [
    uniqueIndex("signing_keys_one_current_per_alg_idx").on(table.alg, table.state).where(sql`${table.state} = 'current'`),
    uniqueIndex("signing_keys_one_next_per_alg_idx").on(table.alg, table.state).where(sql`${table.state} = 'next'`),
  ],
);

export interface DeliveryAttempt {
  provider: string;
  outcome: "accepted" | "transient_failure" | "permanent_failure";
  messageId: string | null;
  error: string | null;
  at: string;
}

/** One code request and what the SMS providers did with it. The phone is kept only as a keyed hash. */
export const otpRequests = pgTable(
  "otp_requests",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    phoneHash: text("phone_hash").notNull(),
    phoneCountry: text("phone_country"),
    status: text("status").$type<"pending" | "sent" | "failed">().notNull(),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    deliveryStatus: text("delivery_status"),
    /** The provider's error code with an `undelivered` or `failed` delivery report (Twilio 30003: handset unreachable). */
    deliveryErrorCode: integer("delivery_error_code"),
    attempts: jsonb("attempts").$type<DeliveryAttempt[]>().notNull().default([]),
    ip: text("ip"),
    country: text("country"),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (table) => [
    index("otp_requests_tenant_created_idx").on(table.tenantId, table.createdAt),
    index("otp_requests_provider_message_idx").on(table.provider, table.providerMessageId),
  ],
);

/** Append-only. Never holds a code, token, key or secret. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    outcome: text("outcome").notNull(),
    tenantId: text("tenant_id"),
    userId: text("user_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    country: text("country"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [
    index("audit_events_tenant_created_idx").on(table.tenantId, table.createdAt, table.id),
    index("audit_events_user_created_idx").on(table.userId, table.createdAt, table.id),
  ],
);

/**
 * Revocations waiting to reach the Upstash list. A revocation is written here in
 * the same transaction as the session or user change; the row is deleted once
 * Upstash has it, and replayed (cron, next revocation) while Upstash is down.
 */
export const revocationOutbox = pgTable(
  "revocation_outbox",
  {
    id: text("id").primaryKey(),
    kind: text("kind").$type<"session" | "user">().notNull(),
    subjectId: text("subject_id").notNull(),
    /** For `user`: tokens issued before this instant are revoked. For `session`: when it was revoked. */
    at: moment("at").notNull(),
    /** The revocation list entry must live until every token it can match has expired. */
    expiresAt: moment("expires_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** A drain publishing the row holds it until then; other drains skip it, and a crashed drain's claim lapses. */
    claimedUntil: moment("claimed_until"),
    createdAt: createdAt(),
  },
  (table) => [index("revocation_outbox_created_idx").on(table.createdAt)],
);

export type IdempotencyState = "in_progress" | "completed";

/**
 * Admin writes sent with an `Idempotency-Key`: one row per key, keyed by an HMAC of
 * the key (never the key itself). The stored response is sealed, since it can hold
 * keys that are shown once. Rows are ignored once `expires_at` passes and deleted by the cron.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    keyHash: text("key_hash").primaryKey(),
    /** SHA-256 over the method, the path with query and the canonical body. */
    fingerprint: text("fingerprint").notNull(),
    state: text("state").$type<IdempotencyState>().notNull(),
    /** Random per claim: only the request holding the claim may complete or release it. */
    claimId: text("claim_id").notNull(),
    /** An `in_progress` row past this instant was abandoned (its request crashed) and may be taken over. */
    lockedUntil: moment("locked_until").notNull(),
    responseStatus: integer("response_status"),
    /** `v1.<iv>.<ciphertext>`: AES-256-GCM under KEY_ENCRYPTION_SECRET, the key hash bound as additional data. */
    sealedResponse: text("sealed_response"),
    createdAt: createdAt(),
    expiresAt: moment("expires_at").notNull(),
  },
  (table) => [index("idempotency_keys_expires_idx").on(table.expiresAt)],
);

export type WebhookDeliveryStatus = "pending" | "succeeded" | "dead";

/**
 * A tenant's webhook endpoint. The signing secret (`whsec_…`) is sealed with
 * KEY_ENCRYPTION_SECRET (context: the endpoint id) and shown once, when created.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** The event types this endpoint receives; the triggers in 0011 match on them. */
    events: jsonb("events").$type<string[]>().notNull(),
    sealedSecret: text("sealed_secret").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** Why the endpoint was disabled: `failing` (by the cron) or `operator`. */
    disabledReason: text("disabled_reason"),
    /** The first failed attempt since the last success; the cron disables an endpoint failing for too long. */
    failingSince: moment("failing_since"),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (table) => [index("webhook_endpoints_tenant_idx").on(table.tenantId)],
);

/**
 * The webhook outbox: one row per event, written by a trigger in the same transaction as the
 * change that makes it true, with one delivery per subscribed endpoint.
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** Ids and changed fields; never a secret, code or token. */
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    occurredAt: moment("occurred_at").notNull().defaultNow(),
  },
  (table) => [index("webhook_events_tenant_occurred_idx").on(table.tenantId, table.occurredAt)],
);

/** One event on its way to one endpoint: the unit the queue carries, retried until it succeeds or dies. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id").notNull().references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull().references(() => webhookEvents.id, { onDelete: "cascade" }),
    status: text("status").$type<WebhookDeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt is due; the producer puts due deliveries on the queue. */
    nextAttemptAt: moment("next_attempt_at").notNull(),
    /** When the delivery was last put on the queue; null while it waits for the producer. */
    enqueuedAt: moment("enqueued_at"),
    /** A consumer sending it holds it until then; another copy of the message skips it. */
    claimedUntil: moment("claimed_until"),
    /** The start of the retry window (creation, or an operator's retry). */
    windowStartedAt: moment("window_started_at").notNull(),
    lastAttemptAt: moment("last_attempt_at"),
    lastResponseStatus: integer("last_response_status"),
    /** Why a dead delivery died: `retries_exhausted`, `endpoint_disabled`. */
    deadReason: text("dead_reason"),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (table) => [
    index("webhook_deliveries_endpoint_created_idx").on(table.endpointId, table.createdAt, table.id),
    index("webhook_deliveries_due_idx").on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    index("webhook_deliveries_tenant_created_idx").on(table.tenantId, table.createdAt),
  ],
);

/** Every attempt to deliver, with what the endpoint answered (a bounded excerpt). */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull().references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    attemptedAt: moment("attempted_at").notNull(),
    succeeded: boolean("succeeded").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    /** The HTTP status; null when no answer came (timeout, network error). */
    responseStatus: integer("response_status"),
    /** At most 1 KiB of the answer's body. */
    responseExcerpt: text("response_excerpt"),
    /** `timeout`, `network`, `redirect` or `http_status` when the attempt failed. */
    error: text("error"),
  },
  (table) => [
    index("webhook_attempts_delivery_idx").on(table.deliveryId, table.attemptedAt),
    index("webhook_attempts_tenant_attempted_idx").on(table.tenantId, table.attemptedAt),
  ],
);

/**
 * Operator console sign-ins (docs/console.md). The cookie carries a random token; only its
 * SHA-256 is stored. `admin_token_tag` is a keyed hash of the ADMIN_TOKEN the session was
 * opened with, so rotating the token ends every session made with the old one.
 */
export const consoleSessions = pgTable(
  "console_sessions",
  {
    /** `ops_…`: what audit events name; never the token. */
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    adminTokenTag: text("admin_token_tag").notNull(),
    createdAt: createdAt(),
    lastSeenAt: moment("last_seen_at").notNull(),
    /** The absolute end, however busy the session is. */
    expiresAt: moment("expires_at").notNull(),
    endedAt: moment("ended_at"),
  },
  (table) => [index("console_sessions_expires_idx").on(table.expiresAt)],
);
