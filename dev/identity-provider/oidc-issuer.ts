import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type OidcContext } from "oidc-provider";
import { publicJwk, type PrivateSigningKey } from "./signing-keys";
import type { TestUser } from "./test-users";

/** A client registered with one of the stand-ins through the control API. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUris: readonly string[];
}

export interface OidcIssuerOptions {
  /** Short name used for cookie names, e.g. "generic", "google". */
  readonly name: string;
  readonly issuer: string;
  /** Where the issuer is mounted on the server, "" for the root. */
  readonly mountPath: string;
  readonly cookieKey: string;
  readonly users: ReadonlyMap<string, TestUser>;
  /** Extra id_token claims for a user, e.g. Microsoft's tid and oid. */
  readonly extraClaims?: (user: TestUser) => Record<string, unknown>;
  /** Claims to leave out for a user, e.g. Microsoft's email_verified (it sends xms_edov instead). */
  readonly omitEmailVerified?: boolean;
}

// tid, oid, xms_edov and preferred_username only ever have values for the Microsoft stand-in.
const SCOPE_CLAIMS = { openid: ["sub", "tid", "oid", "xms_edov", "preferred_username"], email: ["email", "email_verified"], profile: ["name", "given_name", "family_name"] };

/**
 * One OpenID Provider built on oidc-provider: authorization code only, PKCE S256 required for every
 * client, consent granted on its own for the registered test clients. Rebuilt when its clients or
 * key change; codes and sessions live in oidc-provider's process-wide memory store, so they survive that.
 */
export class OidcIssuer {
  readonly #options: OidcIssuerOptions;
  readonly #clients = new Map<string, RegisteredClient>();
  #key: PrivateSigningKey;
  #provider: Provider;

  constructor(options: OidcIssuerOptions, key: PrivateSigningKey) {
    this.#options = options;
    this.#key = key;
    this.#provider = this.#build();
  }

  get issuer(): string {
    return this.#options.issuer;
  }

  get provider(): Provider {
    return this.#provider;
  }

  get signingKey(): PrivateSigningKey {
    return this.#key;
  }

  registerClient(client: RegisteredClient): void {
    this.#clients.set(client.clientId, client);
    this.#provider = this.#build();
  }

  hasClient(clientId: string): boolean {
    return this.#clients.has(clientId);
  }

  rotateKey(key: PrivateSigningKey): void {
    this.#key = key;
    this.#provider = this.#build();
  }

  /** Hands a request whose URL has the mount path already stripped to oidc-provider. */
  handle(request: IncomingMessage, response: ServerResponse): void {
    this.#provider.callback()(request, response);
  }

  #build(): Provider {
    const { name, issuer, mountPath, users, extraClaims, omitEmailVerified } = this.#options;
    const clients = [...this.#clients.values()].map((client) => ({
      client_id: client.clientId,
      ...(client.clientSecret === null ? { token_endpoint_auth_method: "none" } : { client_secret: client.clientSecret, token_endpoint_auth_method: "client_secret_basic" }),
      redirect_uris: [...client.redirectUris],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    }));
    const provider = new Provider(issuer, {
      clients,
      clientDefaults: { id_token_signed_response_alg: this.#key.alg, token_endpoint_auth_method: "client_secret_basic" },
      // Both client_secret_basic and _post, as real providers accept.
      clientAuthMethods: ["client_secret_basic", "client_secret_post", "none"],
      jwks: { keys: [this.#key] },
      responseTypes: ["code"],
      pkce: { required: () => true },
      scopes: ["openid", "email", "profile"],
      claims: SCOPE_CLAIMS,
      // Put the email and profile claims in the id_token, as Google and Microsoft do.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false }, revocation: { enabled: false }, introspection: { enabled: false } },
      cookies: {
        keys: [this.#options.cookieKey],
        names: { session: `_${name}_session`, interaction: `_${name}_interaction`, resume: `_${name}_resume` },
      },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${mountPath}/interaction/${interaction.uid}` },
      clientBasedCORS: () => true,
      loadExistingGrant: async (ctx: OidcContext) => autoGrant(ctx),
      findAccount: (_ctx: unknown, sub: string) => {
        const user = [...users.values()].find((candidate) => candidate.sub === sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          claims: () => ({
            sub,
            email: user.email,
            ...(omitEmailVerified ? {} : { email_verified: user.emailVerified }),
            name: user.name,
            given_name: user.givenName,
            family_name: user.familyName,
            ...extraClaims?.(user),
          }),
        };
      },
      renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
        ctx.type = "html";
        ctx.body = `<!doctype html><title>Error</title><h1>${escapeHtml(out.error ?? "error")}</h1><p>${escapeHtml(out.error_description ?? "")}</p>`;
      },
    });
    provider.proxy = true;
    return provider;
  }

  jwks(): { keys: unknown[] } {
    return { keys: [publicJwk(this.#key)] };
  }
}

/** Consent is implied for test clients: grant every requested scope on the first visit. */
async function autoGrant(ctx: OidcContext) {
  const { oidc } = ctx;
  const provider = (ctx as unknown as { oidc: { provider: Provider } }).oidc.provider;
  const clientId = oidc.client?.clientId;
  const accountId = oidc.session?.accountId;
  if (!clientId || !accountId) return undefined;
  const existing = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
  if (existing) return provider.Grant.find(existing);
  const grant = new provider.Grant({ clientId, accountId });
  grant.addOIDCScope(typeof oidc.params?.scope === "string" ? oidc.params.scope : "openid");
  await grant.save();
  return grant;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
