import { secretsEqual } from "../../../../shared/crypto/constant-time";
import { sha256Hex } from "../../../../shared/crypto/hashing";
import { openSecret } from "../../../../shared/crypto/key-encryption";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { ConnectionRecord, ConnectionStore } from "../../../../shared/ports/connection-store";
import type { UpstreamRequestRecord, UpstreamRequestStore } from "../../../../shared/ports/upstream-request-store";
import type { SignInTenant } from "../phone-sign-in";
import { connectionServes } from "./connection-buttons";
import { callbackUrl, isUpstreamRandomValue, nonceFor } from "./upstream-start";
import { completeSignIn, type FederatedProfile, type FederationDeps } from "./upstream";

/** Why a callback is refused before or while its provider is asked; nothing is written for any of them. */
export type CallbackFailure =
  /** forged, unknown, spent or expired `state`, another connection's, or a browser without the binding cookie */
  | { readonly kind: "invalid_state" }
  /** the connection was disabled or deleted since the flow started */
  | { readonly kind: "connection_unavailable" }
  /** the tenant no longer lists the connection among its sign-in methods */
  | { readonly kind: "method_disabled" }
  | { readonly kind: "provider_unavailable"; readonly detail: string }
  /** the provider's answer failed validation, or it refused the code */
  | { readonly kind: "provider_failed"; readonly detail: string };

export interface CallbackDeps {
  readonly federation: FederationDeps;
  readonly connections: ConnectionStore;
  readonly upstreamRequests: UpstreamRequestStore;
  readonly keyEncryptionSecret: string;
  readonly issuerUrl: string;
  readonly tenantOf: (tenantId: string) => Promise<SignInTenant | null>;
}

/** A callback whose state was spent by this browser, for a connection still serving its tenant. */
export interface SpentCallback {
  readonly request: UpstreamRequestRecord;
  readonly connection: ConnectionRecord;
  readonly tenant: SignInTenant;
  readonly bindingValue: string;
  readonly state: string;
}

/**
 * Spends the upstream request `state` names (so it never works twice) and checks it was
 * started by this browser, for this connection, which still serves its tenant.
 */
export async function spendCallback(deps: CallbackDeps, connectionId: string, state: string | null, bindingValue: string | undefined, now: Date): Promise<Result<SpentCallback, CallbackFailure>> {
  if (state === null || !isUpstreamRandomValue(state)) return err({ kind: "invalid_state" });
  const request = await deps.upstreamRequests.spend(await sha256Hex(state), now);
  if (request === null || request.connectionId !== connectionId) return err({ kind: "invalid_state" });
  // Login CSRF: a callback carrying someone else's state is refused in a browser that did not start it.
  if (bindingValue === undefined || !isUpstreamRandomValue(bindingValue) || !(await secretsEqual(await sha256Hex(bindingValue), request.browserBindingHash))) return err({ kind: "invalid_state" });
  const connection = await deps.connections.find(connectionId);
  if (connection === null || !connection.enabled || connection.tenantId !== request.tenantId) return err({ kind: "connection_unavailable" });
  const tenant = await deps.tenantOf(request.tenantId);
  if (tenant === null) return err({ kind: "connection_unavailable" });
  if (!connectionServes(tenant.settings, connection)) return err({ kind: "method_disabled" });
  return ok({ request, connection, tenant, bindingValue, state });
}

/** The code exchanged and the provider's answer validated; the person it names. */
export async function upstreamProfile(deps: CallbackDeps, spent: SpentCallback, input: { readonly code: string; readonly iss: string | null; readonly appleUser: string | null }): Promise<Result<FederatedProfile, CallbackFailure>> {
  const { request, connection } = spent;
  const codeVerifier = await openSecret(deps.keyEncryptionSecret, "upstream-verifier", request.sealedCodeVerifier, request.stateHash);
  if (codeVerifier === null) throw new Error("an upstream request's code verifier does not open");
  let nonce: string | null = null;
  if (request.nonceHash !== null) {
    nonce = await nonceFor(spent.bindingValue, spent.state);
    if (!(await secretsEqual(await sha256Hex(nonce), request.nonceHash))) return err({ kind: "invalid_state" });
  }
  const profile = await completeSignIn(deps.federation, connection, {
    code: input.code,
    redirectUri: callbackUrl(deps.issuerUrl, connection.id),
    codeVerifier,
    nonce,
    issParameter: input.iss,
    appleUser: connection.provider === "apple" ? input.appleUser : null,
  });
  if (!profile.ok) {
    const failure = profile.error;
    if (failure.kind === "provider_unavailable") return err({ kind: "provider_unavailable", detail: failure.detail });
    return err({ kind: "provider_failed", detail: failure.kind === "provider_error" ? `token endpoint answered ${failure.error}` : failure.detail });
  }
  return ok(profile.value);
}
