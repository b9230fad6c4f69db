import { resolveTenantSettings, type TenantSettings } from "../../../shared/domain/tenant-settings";
import type { BrowserSessionRecord, BrowserSessionStore } from "../../../shared/ports/browser-session-store";
import type { TenantRepository } from "../../../shared/ports/tenant-repository";
import type { UserRepository } from "../../../shared/ports/user-repository";
import type { AuthenticatedToken } from "./access-token-auth";

export interface BrowserSessionCallerDeps {
  readonly browserSessions: BrowserSessionStore;
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly issuer: string;
  readonly defaultAudience: string;
}

/** The account page's caller: the browser session's user, in the shape the JSON routes' services take. */
export interface BrowserSessionCaller extends AuthenticatedToken {
  readonly settings: TenantSettings;
  /** Every live session opened under this browser session: "this browser" on the sessions list. */
  readonly browserSessionIds: readonly string[];
}

/**
 * A live browser session stands in for an access token: its user, tenant, `auth_time` and
 * `amr`, and the session its sign-in opened as `sid` (the one a password change or a factor
 * removal keeps). The claims are built here and never signed or sent anywhere; the services
 * read only `sid`, `auth_time` and `amr` from them. Null when the session has no live session
 * left or its user is gone: the page is then signed out.
 */
export async function browserSessionCaller(deps: BrowserSessionCallerDeps, record: BrowserSessionRecord, now: Date): Promise<BrowserSessionCaller | null> {
  const [tenant, user, sessionIds] = await Promise.all([deps.tenants.find(record.tenantId), deps.users.find(record.userId), deps.browserSessions.liveSessionIds(record.idHash, now)]);
  const sid = sessionIds[0];
  if (tenant === null || user === null || sid === undefined) return null;
  if (user.tenantId !== tenant.id || user.disabled || user.deletedAt !== null) return null;
  const settings = resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return {
    tenant,
    user,
    settings,
    browserSessionIds: sessionIds,
    claims: {
      iss: deps.issuer,
      aud: settings.audience,
      sub: user.id,
      tid: tenant.id,
      sid,
      roles: [...user.roles],
      // No token exists; nothing reads this, and the browser session id (even hashed) has no business in it.
      jti: "account-page",
      iat: nowSeconds,
      exp: nowSeconds + 1,
      auth_time: Math.floor(record.authTime.getTime() / 1000),
      amr: [...record.amr],
    },
  };
}
