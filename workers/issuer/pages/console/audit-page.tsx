import { AUDIT_EVENT_TYPES } from "../../../../shared/domain/audit-event-types";
import type { AuditEventView } from "../../services/user-admin";
import { ConsoleLayout, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";
import { DateTime } from "./date-time";

/** The filters as the form sent them (blank: not filtered). */
export interface AuditFilterValues {
  readonly tenant_id: string;
  readonly user_id: string;
  readonly type: string;
  readonly outcome: string;
  readonly from: string;
  readonly to: string;
}

export interface AuditPageProps {
  readonly nonce: string;
  readonly signedIn: SignedInView;
  readonly filters: AuditFilterValues;
  readonly events: readonly AuditEventView[];
  readonly nextCursor: string | null;
  readonly error?: { readonly field: keyof AuditFilterValues | null; readonly message: string };
}

const FILTER_NAMES: readonly (keyof AuditFilterValues)[] = ["tenant_id", "user_id", "type", "outcome", "from", "to"];
const OUTCOMES = ["success", "failure", "blocked"] as const;
const TYPES = [...new Set(AUDIT_EVENT_TYPES)].sort();

/** The query of the next page: the same filters, and where the last page ended. */
export function olderEventsHref(filters: AuditFilterValues, cursor: string): string {
  const query = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name] !== "") query.set(name, filters[name]);
  query.set("cursor", cursor);
  return `/console/audit?${query.toString()}`;
}

export function AuditPage(props: AuditPageProps) {
  const t = CONSOLE.audit;
  const { filters } = props;
  const errorOn = (field: keyof AuditFilterValues) => (props.error !== undefined && props.error.field === field ? props.error.message : null);
  const described = (field: keyof AuditFilterValues) => (errorOn(field) === null ? {} : { "aria-invalid": "true", "aria-describedby": `${field}-error` });
  const fieldError = (field: keyof AuditFilterValues) => {
    const message = errorOn(field);
    return message === null ? null : (
      <p id={`${field}-error`} class="error">
        {message}
      </p>
    );
  };
  return (
    <ConsoleLayout title={t.title} nonce={props.nonce} signedIn={props.signedIn} section="audit">
      {props.error !== undefined && props.error.field === null && (
        <p class="error" role="alert">
          {props.error.message}
        </p>
      )}
      <form method="get" action="/console/audit">
        <fieldset>
          <legend>{t.filters}</legend>
          <div class="filters">
            <div>
              <label for="tenant_id">{t.tenant}</label>
              <input id="tenant_id" name="tenant_id" value={filters.tenant_id} maxlength={64} {...described("tenant_id")} />
              {fieldError("tenant_id")}
            </div>
            <div>
              <label for="user_id">{t.user}</label>
              <input id="user_id" name="user_id" value={filters.user_id} maxlength={64} {...described("user_id")} />
              {fieldError("user_id")}
            </div>
            <div>
              <label for="type">{t.type}</label>
              <select id="type" name="type" {...described("type")}>
                <option value="">{t.anyType}</option>
                {TYPES.map((type) => (
                  <option value={type} selected={type === filters.type}>
                    {type}
                  </option>
                ))}
              </select>
              {fieldError("type")}
            </div>
            <div>
              <label for="outcome">{t.outcome}</label>
              <select id="outcome" name="outcome" {...described("outcome")}>
                <option value="">{t.anyOutcome}</option>
                {OUTCOMES.map((outcome) => (
                  <option value={outcome} selected={outcome === filters.outcome}>
                    {outcome}
                  </option>
                ))}
              </select>
              {fieldError("outcome")}
            </div>
            <div>
              <label for="from">{t.from}</label>
              <input id="from" name="from" type="datetime-local" value={filters.from} {...described("from")} />
              {fieldError("from")}
            </div>
            <div>
              <label for="to">{t.to}</label>
              <input id="to" name="to" type="datetime-local" value={filters.to} {...described("to")} />
              {fieldError("to")}
            </div>
          </div>
          <button type="submit">{t.apply}</button>
        </fieldset>
      </form>
      {props.events.length === 0 ? (
        <p role="status">{t.none}</p>
      ) : (
        <table>
          <caption>{t.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.time}</th>
              <th scope="col">{t.type}</th>
              <th scope="col">{t.outcome}</th>
              <th scope="col">{t.tenantColumn}</th>
              <th scope="col">{t.userColumn}</th>
              <th scope="col">{t.ip}</th>
              <th scope="col">{t.details}</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((event) => (
              <tr>
                <th scope="row">
                  <DateTime at={event.created_at} />
                </th>
                <td>{event.type}</td>
                <td>{event.outcome}</td>
                <td>{event.tenant_id === null ? CONSOLE.tenant.never : <a href={`/console/tenants/${event.tenant_id}`}>{event.tenant_id}</a>}</td>
                <td>{event.user_id === null ? CONSOLE.tenant.never : <a href={`/console/users/${event.user_id}`}>{event.user_id}</a>}</td>
                <td>{event.ip ?? CONSOLE.tenant.never}</td>
                <td>
                  <code>{JSON.stringify(event.details)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.nextCursor !== null && (
        <p>
          <a href={olderEventsHref(filters, props.nextCursor)}>{t.older}</a>
        </p>
      )}
    </ConsoleLayout>
  );
}
