import type { DeliveryView, WebhookView } from "../../services/webhooks/webhook-endpoints";
import { ConsoleLayout, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";
import { DateTime } from "./date-time";

/** What the last attempt of a delivery got back: a status, or why none came. */
function lastAnswer(delivery: DeliveryView): string {
  const last = delivery.attempts.at(-1);
  if (last === undefined) return CONSOLE.tenant.never;
  if (last.response_status !== null) return String(last.response_status);
  return last.error ?? CONSOLE.tenant.never;
}

export function WebhookPage(props: { readonly nonce: string; readonly signedIn: SignedInView; readonly webhook: WebhookView; readonly deliveries: readonly DeliveryView[]; readonly nextCursor: string | null }) {
  const t = CONSOLE.webhook;
  const { webhook } = props;
  const base = `/console/tenants/${webhook.tenant_id}`;
  return (
    <ConsoleLayout title={t.title(webhook.url)} nonce={props.nonce} signedIn={props.signedIn} section="tenants">
      <p>
        <a href={base}>{t.back}</a>
      </p>
      <dl>
        <dt>{CONSOLE.tenant.url}</dt>
        <dd>
          <code>{webhook.url}</code>
        </dd>
        <dt>{CONSOLE.tenant.events}</dt>
        <dd>{webhook.events.join(", ")}</dd>
        <dt>{CONSOLE.tenant.enabled}</dt>
        <dd>{webhook.enabled ? CONSOLE.tenant.yes : CONSOLE.tenant.disabledBecause(webhook.disabled_reason)}</dd>
        <dt>{CONSOLE.tenant.failingSince}</dt>
        <dd>
          <DateTime at={webhook.failing_since} />
        </dd>
      </dl>
      {props.deliveries.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <table>
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.event}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.attempts}</th>
              <th scope="col">{t.lastAnswer}</th>
              <th scope="col">{t.nextAttempt}</th>
              <th scope="col">{t.created}</th>
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((delivery) => (
              <tr>
                <th scope="row">
                  {delivery.event.type} <code>{delivery.event.id}</code>
                </th>
                <td>{delivery.dead_reason === null ? delivery.status : `${delivery.status} (${delivery.dead_reason})`}</td>
                <td>{delivery.attempt_count}</td>
                <td>{lastAnswer(delivery)}</td>
                <td>
                  <DateTime at={delivery.next_attempt_at} />
                </td>
                <td>
                  <DateTime at={delivery.created_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.nextCursor !== null && (
        <p>
          <a href={`${base}/webhooks/${webhook.webhook_id}?cursor=${encodeURIComponent(props.nextCursor)}`}>{t.older}</a>
        </p>
      )}
    </ConsoleLayout>
  );
}
