/**
 * Reads a tenant's audit log the way an operator does: GET /api/admin/audit,
 * page by page with the cursor, and counts the events by type and outcome.
 */
import { auditKey, type SoakRecord } from "./soak-record";

interface AuditPageBody {
  readonly events: readonly { readonly id: string; readonly type: string; readonly outcome: string; readonly tenant_id: string | null }[];
  readonly next_cursor: string | null;
}

export interface AuditCount {
  /** `auditKey(tenant, type, outcome)` → events. */
  readonly counts: Map<string, number>;
  /** Events a page returned twice, or that named another tenant: pagination bugs, reported as such. */
  readonly anomalies: string[];
}

const PAGE_SIZE = 100;

export async function countAuditEvents(record: SoakRecord, issuer: string, adminToken: string, tenantIds: readonly string[], type?: string): Promise<AuditCount> {
  const counts = new Map<string, number>();
  const anomalies: string[] = [];
  for (const tenantId of tenantIds) {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ tenant_id: tenantId, limit: String(PAGE_SIZE), ...(type ? { type } : {}), ...(cursor ? { cursor } : {}) });
      const answer = await record.http("GET /api/admin/audit", `${issuer}/api/admin/audit?${query.toString()}`, { headers: { Authorization: `Bearer ${adminToken}` } });
      if (!answer || answer.status !== 200) throw new Error(`GET /api/admin/audit answered ${answer ? `${answer.status} ${answer.text.slice(0, 200)}` : "nothing"}`);
      const page = JSON.parse(answer.text) as AuditPageBody;
      for (const event of page.events) {
        if (seen.has(event.id)) anomalies.push(`event ${event.id} was listed twice`);
        else if (event.tenant_id !== tenantId) anomalies.push(`event ${event.id} of tenant ${event.tenant_id ?? "none"} listed under tenant_id=${tenantId}`);
        else counts.set(auditKey(tenantId, event.type, event.outcome), (counts.get(auditKey(tenantId, event.type, event.outcome)) ?? 0) + 1);
        seen.add(event.id);
      }
      cursor = page.next_cursor;
    } while (cursor !== null);
  }
  return { counts, anomalies };
}
