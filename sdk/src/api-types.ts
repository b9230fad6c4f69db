/**
 * The request and answer types the SDK uses, every one an alias into the types generated from
 * the issuer's OpenAPI document (`generated/api.ts`, written by `npm run openapi`): a route change
 * that breaks the SDK fails its typecheck.
 */
import type { paths } from "./generated/api";

type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** The JSON body an operation takes. */
export type JsonBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: { content: { "application/json": infer Body } } } ? Body : never;

/** The JSON body an operation answers with a status. */
export type JsonAnswer<P extends keyof paths, M extends keyof paths[P], S extends number> =
  Operation<P, M> extends { responses: infer Answers } ? (S extends keyof Answers ? (Answers[S] extends { content: { "application/json": infer Body } } ? Body : never) : never) : never;

export type CodeSent = JsonAnswer<"/api/auth/request", "post", 202>;
/** What every first factor answers: a session, or the second step still owed. */
export type SignInAnswer = JsonAnswer<"/api/auth/login", "post", 200>;
export type SessionAnswer = Extract<SignInAnswer, { token: string }>;
export type MfaRequiredAnswer = Extract<SignInAnswer, { mfa_required: true }>;
export type PhoneVerifyAnswer = JsonAnswer<"/api/auth/verify", "post", 200>;
export type SignUpAnswer = JsonAnswer<"/api/auth/signup", "post", 200 | 201 | 202>;
export type RefreshAnswer = JsonAnswer<"/api/auth/refresh", "post", 200>;
export type Profile = JsonAnswer<"/api/auth/me", "get", 200>;
export type ProfileUpdate = JsonBody<"/api/auth/me", "patch">;
export type DeviceSessions = JsonAnswer<"/api/auth/sessions", "get", 200>;
export type SecondFactorProof = JsonBody<"/api/auth/mfa/verify", "post">;
export type PasskeyChallenge = JsonAnswer<"/api/auth/passkeys/login/options", "post", 200>;
export type PasskeyRegistered = JsonAnswer<"/api/auth/passkeys/register", "post", 201>;
export type Introspection = JsonAnswer<"/api/auth/introspect", "post", 200>;

export type NewTenant = JsonBody<"/api/admin/tenants", "post">;
export type CreatedTenant = JsonAnswer<"/api/admin/tenants", "post", 201>;
export type Tenant = JsonAnswer<"/api/admin/tenants/{id}", "get", 200>;
export type TenantUpdate = JsonBody<"/api/admin/tenants/{id}", "patch">;
export type IssuedKeys = JsonAnswer<"/api/admin/tenants/{id}/keys", "post", 201>;
export type UserPage = JsonAnswer<"/api/admin/users", "get", 200>;
export type AdminUser = JsonAnswer<"/api/admin/users/{id}", "get", 200>;
export type UserUpdate = JsonBody<"/api/admin/users/{id}", "patch">;
export type AuditPage = JsonAnswer<"/api/admin/audit", "get", 200>;
export type KeyRotation = JsonAnswer<"/api/admin/keys/rotate", "post", 200>;
export type NewOAuthClient = JsonBody<"/api/admin/tenants/{id}/clients", "post">;
export type CreatedOAuthClient = JsonAnswer<"/api/admin/tenants/{id}/clients", "post", 201>;
export type OAuthClient = JsonAnswer<"/api/admin/tenants/{id}/clients/{clientId}", "get", 200>;
export type OAuthClientUpdate = JsonBody<"/api/admin/tenants/{id}/clients/{clientId}", "patch">;
export type NewConnection = JsonBody<"/api/admin/tenants/{id}/connections", "post">;
export type Connection = JsonAnswer<"/api/admin/tenants/{id}/connections/{connectionId}", "get", 200>;
export type ConnectionUpdate = JsonBody<"/api/admin/tenants/{id}/connections/{connectionId}", "patch">;
export type NewWebhook = JsonBody<"/api/admin/tenants/{id}/webhooks", "post">;
/** A new endpoint, with its `whsec_…` secret: shown only in this answer. */
export type CreatedWebhook = JsonAnswer<"/api/admin/tenants/{id}/webhooks", "post", 201>;
export type WebhookEndpoint = JsonAnswer<"/api/admin/tenants/{id}/webhooks/{webhookId}", "get", 200>;
export type WebhookUpdate = JsonBody<"/api/admin/tenants/{id}/webhooks/{webhookId}", "patch">;
export type DeliveryPage = JsonAnswer<"/api/admin/tenants/{id}/webhooks/{webhookId}/deliveries", "get", 200>;
export type WebhookDelivery = JsonAnswer<"/api/admin/tenants/{id}/webhooks/{webhookId}/deliveries/{deliveryId}/retry", "post", 202>;
