import { isId } from "../../../../shared/crypto/ids";
import { parseEmailAddress } from "../../../../shared/domain/email-address";
import { normalizePhone } from "../../../../shared/domain/phone";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { AccountStore } from "../../../../shared/ports/account-store";
import type { SessionStore } from "../../../../shared/ports/session-store";
import { getUser, listUsers, userView, type UserAdminDeps, type UserView } from "../user-admin";

/** Users per page when a tenant's users are listed without a search. */
export const USERS_PER_PAGE = 50;

/** What an operator typed into the search box, as one of the three things a user is found by. */
export type UserSearch = { readonly kind: "id"; readonly id: string } | { readonly kind: "phone"; readonly phone: string } | { readonly kind: "email"; readonly email: string };

export interface ConsoleUserDeps extends UserAdminDeps {
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
}

const UNREADABLE: Failure = { reason: "invalid_request", field: "q", message: "Enter a user id (usr_…), a phone number with its country code (+…) or an email address." };
const TENANT_NEEDED: Failure = { reason: "invalid_request", field: "tenant_id", message: "Choose a tenant to search by phone number or email address." };

/** A user id, an E.164 phone number (written any way libphonenumber reads with its `+`), or an email address. */
export function parseUserSearch(text: string): Result<UserSearch, Failure> {
  const query = text.trim();
  if (isId("usr", query)) return ok({ kind: "id", id: query });
  if (query.startsWith("+")) {
    const phone = normalizePhone(query);
    return phone.ok ? ok({ kind: "phone", phone: phone.value.e164 }) : err({ reason: "invalid_phone" });
  }
  if (query.includes("@")) {
    const email = parseEmailAddress(query);
    return email.ok ? ok({ kind: "email", email: email.value.address }) : err({ reason: "invalid_email" });
  }
  return err(UNREADABLE);
}

/**
 * The live users a search finds: by id anywhere (or in the tenant, when one is chosen), by
 * phone or email within the chosen tenant, where each is unique among live users.
 */
export async function searchUsers(deps: ConsoleUserDeps, tenantId: string | undefined, search: UserSearch): Promise<Result<UserView[], Failure>> {
  switch (search.kind) {
    case "id": {
      const user = await getUser(deps, search.id);
      return ok(user.ok && (tenantId === undefined || user.value.tenant_id === tenantId) ? [user.value] : []);
    }
    case "phone": {
      if (tenantId === undefined) return err(TENANT_NEEDED);
      const page = await listUsers(deps, { tenantId, phone: search.phone, limit: USERS_PER_PAGE, cursor: null });
      return page.ok ? ok(page.value.users) : page;
    }
    case "email": {
      if (tenantId === undefined) return err(TENANT_NEEDED);
      const found = await deps.accounts.findByEmail(tenantId, search.email);
      return ok(found === null ? [] : [userView(found.user)]);
    }
  }
}

/** A signed-in device of the user, as the console lists it. */
export interface UserSessionView {
  readonly session_id: string;
  readonly created_at: string;
  readonly last_used_at: string;
  readonly ip: string | null;
  readonly user_agent: string | null;
  readonly amr: readonly string[];
}

/** The user and their live sessions, newest first. */
export async function userOverview(deps: ConsoleUserDeps, userId: string, now: Date): Promise<Result<{ user: UserView; sessions: UserSessionView[] }, Failure>> {
  const user = await getUser(deps, userId);
  if (!user.ok) return user;
  const live = await deps.sessions.listLive(userId, now);
  return ok({
    user: user.value,
    sessions: live.map((session) => ({
      session_id: session.id,
      created_at: session.createdAt.toISOString(),
      // As the user's own list says it: a session never refreshed was last used when it was created.
      last_used_at: (session.lastUsedAt ?? session.createdAt).toISOString(),
      ip: session.ip,
      user_agent: session.userAgent,
      amr: session.amr,
    })),
  });
}
