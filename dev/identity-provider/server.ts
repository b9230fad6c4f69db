import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listen, sendJson, type RunningServer } from "../support/http-server";
import { AppleStandIn } from "./apple";
import { BadTokenQueue } from "./bad-token";
import { CONTROL_PREFIX, handleControl, type ClientRegistration, type ControlActions, type StandInProvider, type UserChange } from "./control-routes";
import { GitHubStandIn } from "./github";
import { handleOidcInteraction } from "./oidc-interaction";
import { OidcIssuer } from "./oidc-issuer";
import { SigningKeys } from "./signing-keys";
import { defaultTestUsers, type TestUser } from "./test-users";
import { spoilTokenResponse } from "./token-spoiler";

/** The one Entra tenant the Microsoft stand-in has; its id is in every id_token's `tid`. */
export const LOCAL_MICROSOFT_TENANT_ID = "5a0c1d2e-3f40-4b5c-8d6e-7f8091a2b3c4";

export interface IdentityProviderOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the signing keys persist across restarts; in memory when undefined. */
  readonly keysFile?: string | undefined;
}

/** The local identity provider and the base URLs the issuer's LOCAL_* variables take. */
export interface IdentityProvider extends RunningServer {
  /** The generic OpenID Provider's issuer (the server's root). */
  readonly issuer: string;
  readonly googleIssuer: string;
  readonly microsoftBase: string;
  readonly githubBase: string;
  readonly githubApi: string;
  readonly appleIssuer: string;
  /** `POST ${controlUrl}/clients` etc. */
  readonly controlUrl: string;
}

interface MountedIssuer {
  readonly mount: string;
  readonly issuer: OidcIssuer;
  readonly displayName: string;
}

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  let router: ((request: IncomingMessage, response: ServerResponse) => Promise<void>) | null = null;
  const server = await listen(
    async (request, response) => {
      if (router) await router(request, response);
      else sendJson(response, 503, { error: "starting" });
    },
    { port: options.port },
  );
  try {
    const state = await createState(server.url, options.keysFile);
    router = state.route;
    return {
      ...server,
      issuer: server.url,
      googleIssuer: `${server.url}/google`,
      microsoftBase: `${server.url}/microsoft`,
      githubBase: `${server.url}/github`,
      githubApi: `${server.url}/github-api`,
      appleIssuer: `${server.url}/apple`,
      controlUrl: `${server.url}${CONTROL_PREFIX}`,
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

async function createState(url: string, keysFile: string | undefined) {
  const users = defaultTestUsers();
  const keys = SigningKeys.load(keysFile);
  const badTokens = new BadTokenQueue();
  // Cookies of the interaction only need to outlive one sign-in; a fresh key per process is enough.
  const cookieKey = randomBytes(32).toString("base64url");
  const microsoftMount = `/microsoft/${LOCAL_MICROSOFT_TENANT_ID}/v2.0`;
  const generic = new OidcIssuer({ name: "generic", issuer: url, mountPath: "", cookieKey, users }, await keys.get("oidc"));
  const google = new OidcIssuer({ name: "google", issuer: `${url}/google`, mountPath: "/google", cookieKey, users }, await keys.get("google"));
  const microsoft = new OidcIssuer(
    {
      name: "microsoft",
      issuer: `${url}${microsoftMount}`,
      mountPath: microsoftMount,
      cookieKey,
      users,
      omitEmailVerified: true,
      // xms_edov ("email domain owner verified") is how Entra vouches for an email; absent when it does not.
      extraClaims: (user) => ({ tid: LOCAL_MICROSOFT_TENANT_ID, oid: objectId(user), preferred_username: user.email, ...(user.emailVerified ? { xms_edov: true } : {}) }),
    },
    await keys.get("microsoft"),
  );
  // Longest mount first, so "/" does not shadow the others.
  const issuers: MountedIssuer[] = [
    { mount: microsoftMount, issuer: microsoft, displayName: "Microsoft" },
    { mount: "/google", issuer: google, displayName: "Google" },
    { mount: "", issuer: generic, displayName: "Local OpenID Provider" },
  ];
  const github = new GitHubStandIn(users);
  const apple = new AppleStandIn(users, await keys.get("apple", "RS256"), badTokens);
  let down = false;

  const oidcIssuerOf: Record<Exclude<StandInProvider, "github" | "apple">, OidcIssuer> = { oidc: generic, google, microsoft };
  const actions: ControlActions = {
    registerClient: (registration) => registerClient(registration, { oidcIssuerOf, github, apple }),
    upsertUser: (change) => upsertUser(users, change),
    rotateKeys: async (provider) => {
      if (provider === "github") return; // GitHub signs nothing.
      if (provider === "apple") apple.rotateKey(await keys.rotate("apple", "RS256"));
      else oidcIssuerOf[provider].rotateKey(await keys.rotate(provider));
    },
    spoilNextIdToken: (clientId, kind) => badTokens.set(clientId, kind),
    setDown: (value) => {
      down = value;
    },
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = new URL(request.url ?? "/", url);
    const path = target.pathname;
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      await handleControl(request, response, path.slice(CONTROL_PREFIX.length), actions);
      return;
    }
    if (down) {
      sendJson(response, 503, { error: "temporarily_unavailable", error_description: "The local identity provider was taken down through its control API." }, { "retry-after": "1" });
      return;
    }
    if (path === "/microsoft/common/v2.0/.well-known/openid-configuration" && request.method === "GET") {
      sendJson(response, 200, await microsoftCommonDiscovery(url, microsoftMount));
      return;
    }
    if (path === "/github" || path.startsWith("/github/")) return github.handleWeb(request, response, target, path.slice("/github".length), `${url}/github`);
    if (path.startsWith("/github-api/")) return github.handleApi(request, response, path.slice("/github-api".length));
    if (path.startsWith("/apple/")) return apple.handle(request, response, target, path.slice("/apple".length), `${url}/apple`);
    for (const { mount, issuer, displayName } of issuers) {
      if (mount !== "" && path !== mount && !path.startsWith(`${mount}/`)) continue;
      const rest = path.slice(mount.length) || "/";
      if (rest.startsWith("/interaction/")) {
        await handleOidcInteraction(issuer, displayName, users, request, response, `${mount}${rest}`);
        return;
      }
      if (mount !== "") {
        // oidc-provider finds its mount path by comparing originalUrl with url, as under Express.
        (request as IncomingMessage & { originalUrl?: string }).originalUrl = request.url;
        request.url = `${rest}${target.search}`;
      }
      if (request.method === "POST" && rest === "/token") spoilTokenResponse(response, badTokens, () => issuer.signingKey);
      issuer.handle(request, response);
      return;
    }
  };
  return { route };
}

/** login.microsoftonline.com's common document names its issuer with a literal `{tenantid}` placeholder. */
async function microsoftCommonDiscovery(url: string, tenantMount: string): Promise<Record<string, unknown>> {
  const answer = await fetch(`${url}${tenantMount}/.well-known/openid-configuration`);
  const document = (await answer.json()) as Record<string, unknown>;
  return { ...document, issuer: `${url}/microsoft/{tenantid}/v2.0`, tenant_region_scope: null };
}

function objectId(user: TestUser): string {
  const hex = createHash("sha256").update(`oid:${user.sub}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface ClientTargets {
  readonly oidcIssuerOf: Record<"oidc" | "google" | "microsoft", OidcIssuer>;
  readonly github: GitHubStandIn;
  readonly apple: AppleStandIn;
}

function registerClient(registration: ClientRegistration, targets: ClientTargets): string | null {
  const { provider, client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris } = registration;
  switch (provider) {
    case "github":
      if (!clientSecret) return "a github client needs a client_secret";
      targets.github.registerClient({ clientId, clientSecret, redirectUris });
      return null;
    case "apple": {
      const { team_id: teamId, key_id: keyId, public_key: publicKey } = registration;
      if (!teamId || !keyId || publicKey === undefined) return "an apple client needs team_id, key_id and public_key";
      targets.apple.registerClient({ clientId, redirectUris, teamId, keyId, publicKey: publicKey });
      return null;
    }
    case "oidc":
    case "google":
    case "microsoft":
      targets.oidcIssuerOf[provider].registerClient({ clientId, clientSecret: clientSecret ?? null, redirectUris });
      return null;
  }
}

function upsertUser(users: Map<string, TestUser>, change: UserChange): string | null {
  const login = change.login.trim().toLowerCase();
  const existing = users.get(login);
  if (existing) {
    if (change.email !== undefined) existing.email = change.email.toLowerCase();
    if (change.email_verified !== undefined) existing.emailVerified = change.email_verified;
    if (change.name !== undefined) existing.name = change.name;
    return null;
  }
  const name = change.name ?? login.split("@")[0] ?? login;
  const [givenName = name, ...rest] = name.split(" ");
  users.set(login, {
    login,
    sub: `user-${createHash("sha256").update(login).digest("hex").slice(0, 16)}`,
    email: (change.email ?? login).toLowerCase(),
    emailVerified: change.email_verified ?? false,
    name,
    givenName,
    familyName: rest.join(" "),
    githubId: 2000 + users.size,
  });
  return null;
}
