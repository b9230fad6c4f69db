import type { Hono } from "hono";
import { z } from "zod";
import { isId } from "../../../../shared/crypto/ids";
import { AUDIT_EVENT_TYPES } from "../../../../shared/domain/audit-event-types";
import type { Failure } from "../../../../shared/errors/failure";
import { resource, type AppEnv } from "../../../../shared/http/create-app";
import type { AuditOutcome } from "../../../../shared/ports/audit-log";
import type { IssuerBindings } from "../../app";
import { AuditPage, type AuditFilterValues } from "../../pages/console/audit-page";
import { failureMessage } from "../../pages/console/console-strings";
import { listAudit } from "../../services/user-admin";
import type { PageContext } from "../hosted-page";
import { consolePage, pageStatus, queryOf, signedInPage, type Operator } from "./console-page";

/** Events per page. */
export const AUDIT_EVENTS_PER_PAGE = 50;

const OUTCOMES: readonly AuditOutcome[] = ["success", "failure", "blocked"];
const TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
/** What `<input type="datetime-local">` sends: a minute (or a second), read as UTC. */
const LOCAL_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The moment a datetime-local value names in UTC, or null for anything that is not one (`2026-02-30T10:00` included). */
export function utcMoment(text: string): Date | null {
  const match = LOCAL_MINUTE.exec(text);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? "0")) as [number, number, number, number, number, number];
  const moment = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid = moment.getUTCFullYear() === year && moment.getUTCMonth() === month - 1 && moment.getUTCDate() === day && moment.getUTCHours() === hour && moment.getUTCMinutes() === minute && moment.getUTCSeconds() === second;
  return valid ? moment : null;
}

const blankOr = (max: number, accepts: (value: string) => boolean, message: string) =>
  z
    .string()
    .max(max, message)
    .refine((value) => value === "" || accepts(value), message)
    .optional();

export const auditQuery = z.strictObject({
  tenant_id: blankOr(64, (value) => isId("tn", value), "Enter a tenant id: tn_ and 26 letters and digits."),
  user_id: blankOr(64, (value) => isId("usr", value), "Enter a user id: usr_ and 26 letters and digits."),
  type: blankOr(64, (value) => TYPES.has(value), "Choose an event type from the list."),
  outcome: blankOr(16, (value) => (OUTCOMES as readonly string[]).includes(value), "Choose success, failure or blocked."),
  from: blankOr(32, (value) => utcMoment(value) !== null, "Enter a date and time, like 2026-11-20T14:03."),
  to: blankOr(32, (value) => utcMoment(value) !== null, "Enter a date and time, like 2026-11-20T14:03."),
  cursor: z.string().max(200).optional(),
});

/** The audit log, newest first: filtered by tenant, user, type, outcome and time range, a page at a time. */
export function consoleAuditRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/console/audit", {
    GET: signedInPage(async (c, operator) => {
      // What the form sent, to fill it in again (cut short: a refused value is shown, never trusted).
      const sent = new URL(c.req.url).searchParams;
      const value = (name: keyof AuditFilterValues) => (sent.get(name) ?? "").slice(0, 64);
      const values: AuditFilterValues = { tenant_id: value("tenant_id"), user_id: value("user_id"), type: value("type"), outcome: value("outcome"), from: value("from"), to: value("to") };
      const query = queryOf(c, auditQuery);
      if (!query.ok) return auditPage(c, operator, values, query.error, fieldOf(query.error));
      const q = query.value;
      const since = q.from === undefined || q.from === "" ? undefined : (utcMoment(q.from) ?? undefined);
      const until = q.to === undefined || q.to === "" ? undefined : (utcMoment(q.to) ?? undefined);
      if (since !== undefined && until !== undefined && since.getTime() >= until.getTime()) {
        return auditPage(c, operator, values, { reason: "invalid_request", field: "to", message: "The end of the range must be after its start." }, "to");
      }
      const page = await listAudit(c.get("deps"), {
        tenantId: blankToUndefined(q.tenant_id),
        userId: blankToUndefined(q.user_id),
        type: blankToUndefined(q.type),
        ...(q.outcome === undefined || q.outcome === "" ? {} : { outcome: q.outcome as AuditOutcome }),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
        limit: AUDIT_EVENTS_PER_PAGE,
        cursor: q.cursor ?? null,
      });
      if (!page.ok) return auditPage(c, operator, values, page.error, null);
      return consolePage(c, (nonce) => <AuditPage nonce={nonce} signedIn={operator.signedIn} filters={values} events={page.value.events} nextCursor={page.value.next_cursor} />);
    }),
  });
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** The filter a refusal concerns, so its message sits beside that field. */
function fieldOf(failure: Failure): keyof AuditFilterValues | null {
  if (failure.reason !== "invalid_request") return null;
  const names: readonly string[] = ["tenant_id", "user_id", "type", "outcome", "from", "to"];
  return names.includes(failure.field) ? (failure.field as keyof AuditFilterValues) : null;
}

function auditPage(c: PageContext, operator: Operator, filters: AuditFilterValues, failure: Failure, field: keyof AuditFilterValues | null): Promise<Response> {
  return consolePage(c, (nonce) => <AuditPage nonce={nonce} signedIn={operator.signedIn} filters={filters} events={[]} nextCursor={null} error={{ field, message: failureMessage(failure) }} />, pageStatus(failure));
}
