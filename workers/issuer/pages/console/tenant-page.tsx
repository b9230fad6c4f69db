import type { TenantOverview } from "../../services/console/console-tenants";
import type { IssuedKeyPair } from "../../services/tenant-admin";
import { ConsoleLayout, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";
import { DateTime } from "./date-time";

export interface TenantPageProps {
  readonly nonce: string;
  readonly signedIn: SignedInView;
  readonly overview: TenantOverview;
  readonly notice?: string;
  /** A key pair just created: shown this once. */
  readonly newKey?: IssuedKeyPair;
  /** A refused rename, beside the name field, with what was typed. */
  readonly nameError?: { readonly message: string; readonly value: string };
}

const yesNo = (value: boolean) => (value ? CONSOLE.tenant.yes : CONSOLE.tenant.no);

export function TenantPage(props: TenantPageProps) {
  const t = CONSOLE.tenant;
  const { tenant, keys, clients, connections, webhooks } = props.overview;
  const base = `/console/tenants/${tenant.tenant_id}`;
  return (
    <ConsoleLayout title={t.title(tenant.name)} nonce={props.nonce} signedIn={props.signedIn} section="tenants">
      {props.notice !== undefined && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {props.newKey !== undefined && (
        <div class="notice" role="status">
          <p>{t.newKey}</p>
          <dl>
            <dt>{t.keyId}</dt>
            <dd>
              <code>{props.newKey.key_id}</code>
            </dd>
            <dt>{t.apiKey}</dt>
            <dd>
              <code>{props.newKey.api_key}</code>
            </dd>
            <dt>{t.secretKey}</dt>
            <dd>
              <code>{props.newKey.secret_key}</code>
            </dd>
          </dl>
        </div>
      )}
      <p>
        <a href={`/console/users?tenant_id=${tenant.tenant_id}`}>{t.users}</a>
      </p>

      <h2>{t.settings}</h2>
      <dl>
        <dt>{t.id}</dt>
        <dd>
          <code>{tenant.tenant_id}</code>
        </dd>
        <dt>{CONSOLE.tenants.slug}</dt>
        <dd>
          <code>{tenant.slug}</code>
        </dd>
        <dt>{CONSOLE.tenants.created}</dt>
        <dd>
          <DateTime at={tenant.created_at} />
        </dd>
      </dl>
      <form method="post" action={`${base}/name`}>
        <input type="hidden" name="csrf" value={props.signedIn.csrf} />
        <label for="tenant-name">{t.rename}</label>
        <input
          id="tenant-name"
          name="name"
          required
          maxlength={100}
          value={props.nameError?.value ?? tenant.name}
          aria-invalid={props.nameError === undefined ? undefined : "true"}
          aria-describedby={props.nameError === undefined ? undefined : "tenant-name-error"}
        />
        {props.nameError !== undefined && (
          <p id="tenant-name-error" class="error">
            {props.nameError.message}
          </p>
        )}
        <button type="submit">{t.save}</button>
      </form>
      <h3>{t.allSettings}</h3>
      <dl>
        {Object.entries(tenant.settings).map(([name, value]) => (
          <>
            <dt>{name}</dt>
            <dd>
              <code>{JSON.stringify(value)}</code>
            </dd>
          </>
        ))}
      </dl>

      <h2>{t.keys}</h2>
      <table>
        <caption>{t.keysCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.keyId}</th>
            <th scope="col">{CONSOLE.tenants.created}</th>
            <th scope="col">
              <span class="muted">{t.deleteKeyShort}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr>
              <th scope="row">
                <code>{key.key_id}</code>
              </th>
              <td>
                <DateTime at={key.created_at} />
              </td>
              <td>
                <a href={`${base}/keys/${key.key_id}/delete`} aria-label={t.deleteKey(key.key_id)}>
                  {t.deleteKeyShort}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action={`${base}/keys`}>
        <input type="hidden" name="csrf" value={props.signedIn.csrf} />
        <button type="submit">{t.createKey}</button>
      </form>

      <h2>{t.clients}</h2>
      {clients.length === 0 ? (
        <p>{t.noClients}</p>
      ) : (
        <table>
          <caption>{t.clientsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.clientName}</th>
              <th scope="col">{t.clientId}</th>
              <th scope="col">{t.clientType}</th>
              <th scope="col">{t.firstParty}</th>
              <th scope="col">{t.redirectUris}</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((client) => (
              <tr>
                <th scope="row">{client.name}</th>
                <td>
                  <code>{client.client_id}</code>
                </td>
                <td>{client.type}</td>
                <td>{yesNo(client.first_party)}</td>
                <td>
                  {client.redirect_uris.map((uri) => (
                    <code>
                      {uri}
                      <br />
                    </code>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t.connections}</h2>
      {connections.length === 0 ? (
        <p>{t.noConnections}</p>
      ) : (
        <table>
          <caption>{t.connectionsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.provider}</th>
              <th scope="col">{t.displayName}</th>
              <th scope="col">{t.clientId}</th>
              <th scope="col">{t.enabled}</th>
              <th scope="col">{t.callbackUrl}</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((connection) => (
              <tr>
                <th scope="row">
                  {connection.provider} <code>{connection.connection_id}</code>
                </th>
                <td>{connection.display_name ?? t.never}</td>
                <td>
                  <code>{connection.client_id}</code>
                </td>
                <td>{yesNo(connection.enabled)}</td>
                <td>
                  <code>{connection.callback_url}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t.webhooks}</h2>
      {webhooks.length === 0 ? (
        <p>{t.noWebhooks}</p>
      ) : (
        <table>
          <caption>{t.webhooksCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.url}</th>
              <th scope="col">{t.events}</th>
              <th scope="col">{t.enabled}</th>
              <th scope="col">{t.failingSince}</th>
              <th scope="col">{t.deliveries}</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((webhook) => (
              <tr>
                <th scope="row">
                  <code>{webhook.url}</code>
                </th>
                <td>{webhook.events.join(", ")}</td>
                <td>{webhook.enabled ? t.yes : t.disabledBecause(webhook.disabled_reason)}</td>
                <td>
                  <DateTime at={webhook.failing_since} />
                </td>
                <td>
                  <a href={`${base}/webhooks/${webhook.webhook_id}`} aria-label={t.deliveriesOf(webhook.url)}>
                    {t.deliveries}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ConsoleLayout>
  );
}
