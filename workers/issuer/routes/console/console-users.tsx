import type { Hono } from "hono";
import { z } from "zod";
import { isId } from "../../../../shared/crypto/ids";
import type { Failure } from "../../../../shared/errors/failure";
import type { Result } from "../../../../shared/errors/result";
import { resource, type AppEnv } from "../../../../shared/http/create-app";
import type { IssuerBindings } from "../../app";
import { ConfirmPage } from "../../pages/console/confirm-page";
import { CONSOLE, failureMessage } from "../../pages/console/console-strings";
import { UserPage } from "../../pages/console/user-page";
import { UsersPage, type UsersPageProps } from "../../pages/console/users-page";
import { parseUserSearch, searchUsers, userOverview, USERS_PER_PAGE } from "../../services/console/console-users";
import { deleteUser, getUser, listUsers, revokeUserSessions, updateUser } from "../../services/user-admin";
import type { PageContext } from "../hosted-page";
import { consolePage, consoleRedirect, failurePage, pageStatus, pathId, queryOf, signedInAction, signedInPage, type Operator } from "./console-page";

const csrf = z.string().max(128);
export const usersQuery = z.strictObject({
  tenant_id: z.string().max(64).optional(),
  q: z.string().max(320).optional(),
  cursor: z.string().max(200).optional(),
  done: z.enum(["deleted"]).optional(),
});
export const userQuery = z.strictObject({ done: z.enum(["disabled", "enabled", "revoked"]).optional() });
export const userActionForm = z.strictObject({ csrf });
/** `confirm=yes` comes only from the confirmation page's button. */
export const userDeleteForm = z.strictObject({ csrf, confirm: z.literal("yes") });

const NOT_FOUND: Failure = { reason: "not_found" };

/** The users: search, each user's page with their sessions, and what an operator may do to a user. */
export function consoleUserRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/console/users", {
    GET: signedInPage(async (c, operator) => {
      const query = queryOf(c, usersQuery);
      if (!query.ok) return failurePage(c, query.error, operator.signedIn);
      return usersPage(c, operator, query.value);
    }),
  });

  resource(app, "/console/users/:id", {
    GET: signedInPage(async (c, operator) => {
      const id = pathId("usr", c.req.param("id"));
      if (id === null) return failurePage(c, NOT_FOUND, operator.signedIn);
      const query = queryOf(c, userQuery);
      if (!query.ok) return failurePage(c, query.error, operator.signedIn);
      const overview = await userOverview(c.get("deps"), id, new Date());
      if (!overview.ok) return failurePage(c, overview.error, operator.signedIn);
      const done = query.value.done;
      return consolePage(c, (nonce) => <UserPage nonce={nonce} signedIn={operator.signedIn} user={overview.value.user} sessions={overview.value.sessions} notice={done === undefined ? undefined : CONSOLE.done[done]} />);
    }),
  });

  // Each action is the admin API's service: the same revocations, the same audit events (naming the console session).
  resource(app, "/console/users/:id/disable", {
    POST: signedInAction(userActionForm, (c, operator) => userAction(c, operator, "disabled", (id) => updateUser(c.get("deps"), c.get("audit"), id, { disabled: true }))),
  });
  resource(app, "/console/users/:id/enable", {
    POST: signedInAction(userActionForm, (c, operator) => userAction(c, operator, "enabled", (id) => updateUser(c.get("deps"), c.get("audit"), id, { disabled: false }))),
  });
  resource(app, "/console/users/:id/revoke-sessions", {
    POST: signedInAction(userActionForm, (c, operator) => userAction(c, operator, "revoked", (id) => revokeUserSessions(c.get("deps"), c.get("audit"), id))),
  });

  resource(app, "/console/users/:id/delete", {
    GET: signedInPage(async (c, operator) => {
      const id = pathId("usr", c.req.param("id"));
      const user = id === null ? null : await getUser(c.get("deps"), id);
      if (user === null || !user.ok) return failurePage(c, NOT_FOUND, operator.signedIn);
      const t = CONSOLE.confirmDeleteUser;
      const userId = user.value.user_id;
      return consolePage(c, (nonce) => <ConfirmPage title={t.title(userId)} message={t.message} nonce={nonce} signedIn={operator.signedIn} section="users" action={`/console/users/${userId}/delete`} confirmLabel={t.confirm} cancelHref={`/console/users/${userId}`} />);
    }),
    POST: signedInAction(userDeleteForm, async (c, operator) => {
      const id = pathId("usr", c.req.param("id"));
      const user = id === null ? null : await getUser(c.get("deps"), id);
      if (user === null || !user.ok) return failurePage(c, NOT_FOUND, operator.signedIn);
      const deleted = await deleteUser(c.get("deps"), c.get("audit"), user.value.user_id);
      if (!deleted.ok) return failurePage(c, deleted.error, operator.signedIn);
      return consoleRedirect(c, `/console/users?tenant_id=${user.value.tenant_id}&done=deleted`);
    }),
  });
}

async function userAction(c: PageContext, operator: Operator, done: "disabled" | "enabled" | "revoked", act: (userId: string) => Promise<Result<unknown, Failure>>): Promise<Response> {
  const id = pathId("usr", c.req.param("id"));
  if (id === null) return failurePage(c, NOT_FOUND, operator.signedIn);
  const outcome = await act(id);
  if (!outcome.ok) return failurePage(c, outcome.error, operator.signedIn);
  return consoleRedirect(c, `/console/users/${id}?done=${done}`);
}

async function usersPage(c: PageContext, operator: Operator, query: z.infer<typeof usersQuery>): Promise<Response> {
  const tenantText = (query.tenant_id ?? "").trim();
  const text = (query.q ?? "").trim();
  const props = { signedIn: operator.signedIn, tenantId: tenantText, query: text, users: null, nextCursor: null, notice: query.done === undefined ? undefined : CONSOLE.done[query.done] };
  const refuse = (field: "tenant_id" | "q" | null, failure: Failure) => render(c, { ...props, error: { field, message: failureMessage(failure) } }, pageStatus(failure));
  if (tenantText !== "" && !isId("tn", tenantText)) return refuse("tenant_id", { reason: "invalid_request", field: "tenant_id", message: "Enter a tenant id: tn_ and 26 letters and digits." });
  const tenantId = tenantText === "" ? undefined : tenantText;
  if (text !== "") {
    const search = parseUserSearch(text);
    if (!search.ok) return refuse("q", search.error);
    const found = await searchUsers(c.get("deps"), tenantId, search.value);
    if (!found.ok) return refuse(found.error.reason === "invalid_request" && found.error.field === "tenant_id" ? "tenant_id" : null, found.error);
    return render(c, { ...props, users: found.value }, 200);
  }
  if (tenantId === undefined) return render(c, props, 200);
  const page = await listUsers(c.get("deps"), { tenantId, phone: undefined, limit: USERS_PER_PAGE, cursor: query.cursor ?? null });
  if (!page.ok) return refuse(null, page.error);
  return render(c, { ...props, users: page.value.users, nextCursor: page.value.next_cursor }, 200);
}

function render(c: PageContext, props: Omit<UsersPageProps, "nonce">, status: Parameters<typeof consolePage>[2]): Promise<Response> {
  return consolePage(c, (nonce) => <UsersPage nonce={nonce} {...props} />, status);
}
