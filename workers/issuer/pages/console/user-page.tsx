import type { UserSessionView } from "../../services/console/console-users";
import type { UserView } from "../../services/user-admin";
import { ConsoleLayout, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";
import { DateTime } from "./date-time";

export interface UserPageProps {
  readonly nonce: string;
  readonly signedIn: SignedInView;
  readonly user: UserView;
  readonly sessions: readonly UserSessionView[];
  readonly notice?: string;
}

/** A button that posts one action about the user. */
function ActionForm(props: { readonly action: string; readonly csrf: string; readonly label: string; readonly danger?: boolean }) {
  return (
    <form method="post" action={props.action}>
      <input type="hidden" name="csrf" value={props.csrf} />
      <button type="submit" class={props.danger === true ? "danger" : undefined}>
        {props.label}
      </button>
    </form>
  );
}

export function UserPage(props: UserPageProps) {
  const t = CONSOLE.user;
  const { user } = props;
  const base = `/console/users/${user.user_id}`;
  const never = CONSOLE.tenant.never;
  return (
    <ConsoleLayout title={t.title(user.user_id)} nonce={props.nonce} signedIn={props.signedIn} section="users">
      {props.notice !== undefined && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <h2>{t.profile}</h2>
      <dl>
        <dt>{t.tenant}</dt>
        <dd>
          <a href={`/console/tenants/${user.tenant_id}`}>{user.tenant_id}</a>
        </dd>
        <dt>{t.status}</dt>
        <dd>{user.disabled ? t.disabled : t.active}</dd>
        <dt>{CONSOLE.users.phone}</dt>
        <dd>{user.phone ?? never}</dd>
        <dt>{CONSOLE.users.email}</dt>
        <dd>{user.email ?? never}</dd>
        <dt>{t.emailVerified}</dt>
        <dd>{user.email_verified ? CONSOLE.tenant.yes : CONSOLE.tenant.no}</dd>
        <dt>{t.hasPassword}</dt>
        <dd>{user.has_password ? CONSOLE.tenant.yes : CONSOLE.tenant.no}</dd>
        <dt>{t.roles}</dt>
        <dd>{user.roles.length === 0 ? never : user.roles.join(", ")}</dd>
        <dt>{t.metadata}</dt>
        <dd>
          <code>{JSON.stringify(user.metadata)}</code>
        </dd>
        <dt>{CONSOLE.users.created}</dt>
        <dd>
          <DateTime at={user.created_at} />
        </dd>
      </dl>

      <h2>{t.actions}</h2>
      {user.disabled ? <ActionForm action={`${base}/enable`} csrf={props.signedIn.csrf} label={t.enable} /> : <ActionForm action={`${base}/disable`} csrf={props.signedIn.csrf} label={t.disable} />}
      <ActionForm action={`${base}/revoke-sessions`} csrf={props.signedIn.csrf} label={t.revoke} />
      <p>
        <a href={`${base}/delete`}>{t.delete}</a>
      </p>

      <h2>{t.sessions}</h2>
      {props.sessions.length === 0 ? (
        <p>{t.noSessions}</p>
      ) : (
        <table>
          <caption>{t.sessionsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.sessionId}</th>
              <th scope="col">{t.signedIn}</th>
              <th scope="col">{t.lastUsed}</th>
              <th scope="col">{t.ip}</th>
              <th scope="col">{t.device}</th>
              <th scope="col">{t.methods}</th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((session) => (
              <tr>
                <th scope="row">
                  <code>{session.session_id}</code>
                </th>
                <td>
                  <DateTime at={session.created_at} />
                </td>
                <td>
                  <DateTime at={session.last_used_at} />
                </td>
                <td>{session.ip ?? never}</td>
                <td>{session.user_agent ?? never}</td>
                <td>{session.amr.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ConsoleLayout>
  );
}
