import type { UserView } from "../../services/user-admin";
import { ConsoleLayout, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";
import { DateTime } from "./date-time";

export interface UsersPageProps {
  readonly nonce: string;
  readonly signedIn: SignedInView;
  /** The form as it was sent, to fill it in again. */
  readonly tenantId: string;
  readonly query: string;
  /** Null before a search. */
  readonly users: readonly UserView[] | null;
  readonly nextCursor: string | null;
  readonly notice?: string;
  readonly error?: { readonly field: "tenant_id" | "q" | null; readonly message: string };
}

export function UsersPage(props: UsersPageProps) {
  const t = CONSOLE.users;
  const errorOn = (field: "tenant_id" | "q") => (props.error !== undefined && props.error.field === field ? props.error.message : null);
  const tenantError = errorOn("tenant_id");
  const queryError = errorOn("q");
  return (
    <ConsoleLayout title={t.title} nonce={props.nonce} signedIn={props.signedIn} section="users">
      {props.notice !== undefined && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {props.error !== undefined && props.error.field === null && (
        <p class="error" role="alert">
          {props.error.message}
        </p>
      )}
      <p>{t.intro}</p>
      <form method="get" action="/console/users">
        <label for="tenant_id">{t.tenant}</label>
        <input id="tenant_id" name="tenant_id" value={props.tenantId} maxlength={64} aria-invalid={tenantError === null ? undefined : "true"} aria-describedby={tenantError === null ? undefined : "tenant_id-error"} />
        {tenantError !== null && (
          <p id="tenant_id-error" class="error">
            {tenantError}
          </p>
        )}
        <label for="q">{t.query}</label>
        <input id="q" name="q" type="search" value={props.query} maxlength={320} aria-invalid={queryError === null ? undefined : "true"} aria-describedby={queryError === null ? undefined : "q-error"} />
        {queryError !== null && (
          <p id="q-error" class="error">
            {queryError}
          </p>
        )}
        <button type="submit">{t.search}</button>
      </form>
      {props.users !== null && props.users.length === 0 && <p role="status">{t.none}</p>}
      {props.users !== null && props.users.length > 0 && (
        <table>
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.id}</th>
              <th scope="col">{t.phone}</th>
              <th scope="col">{t.email}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.created}</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((user) => (
              <tr>
                <th scope="row">
                  <a href={`/console/users/${user.user_id}`}>{user.user_id}</a>
                </th>
                <td>{user.phone ?? CONSOLE.tenant.never}</td>
                <td>{user.email ?? CONSOLE.tenant.never}</td>
                <td>{user.disabled ? CONSOLE.user.disabled : CONSOLE.user.active}</td>
                <td>
                  <DateTime at={user.created_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.nextCursor !== null && (
        <p>
          <a href={`/console/users?tenant_id=${encodeURIComponent(props.tenantId)}&cursor=${encodeURIComponent(props.nextCursor)}`}>{t.older}</a>
        </p>
      )}
    </ConsoleLayout>
  );
}
