export * from "./gate-signature/index";
export { createAdminClient, type AdminClient, type AdminClientOptions, type PageQuery } from "./admin-client";
export { createIntrospectionClient, type IntrospectionClient } from "./introspection";
export { createTokenVerifier, type AccessTokenClaims, type TokenVerifier, type TokenVerifierOptions, type VerificationFailure, type VerificationResult } from "./token-verifier";
export { createWebhookVerifier, type WebhookEvent, type WebhookVerification, type WebhookVerifier, type WebhookVerifierOptions } from "./webhook-verifier";
export { PortcullisError } from "../errors";
export type * from "../api-types";
