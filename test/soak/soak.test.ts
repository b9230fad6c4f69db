/**
 * A bounded soak of the real stack: both workers under `wrangler dev` on
 * loopback, in front of the stand-ins (or a real PostgreSQL and Redis when
 * POSTGRES_URL / REDIS_URL are set). Virtual users sign in, use the gate,
 * refresh (sometimes racing themselves) and log out for SOAK_SECONDS; then the
 * evidence is checked: no 5xx, the audit log equals the actions, no session
 * with two live refresh tokens, and every ended session refused by the gate.
 * Nothing here asserts a duration or a rate; the summary only prints them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXED_SETTING_DEFAULTS } from "../../shared/domain/tenant-settings";
import { freshIp } from "../support/test-identities";
import { countAuditEvents, type AuditCount } from "./audit-reader";
import { readSessionChains, type SessionChain } from "./refresh-chains";
import { SessionLedger, type EndedSession, type SoakTenant } from "./session-ledger";
import { SoakClient } from "./soak-client";
import { SoakRecord } from "./soak-record";
import { soakSettings } from "./soak-settings";
import { startSoakStack, type SoakStack } from "./soak-stack";
import { runVirtualUser, seededRandom } from "./virtual-user";

const settings = soakSettings();

/** The gate's revocation sync interval for this run; docs/gate.md bounds staleness by twice it. */
const REVOCATION_SYNC_MS = 500;
const REVOCATION_BOUND_MS = 2 * REVOCATION_SYNC_MS;
/**
 * A token still accepted after the bound is probed again once per sync interval, this many
 * times, before it counts as a revocation that never reached the gate: room for a loaded
 * machine, never a timing assertion.
 */
const REVOCATION_EXTRA_PROBES = 40;
/** Twilio delivery reports arrive about two seconds after a send (dev/sms); wait for the last ones this long at most. */
const DELIVERY_REPORT_DEADLINE_MS = 120_000;

/**
 * The soak's tenants. The limits that count per phone, per prefix and per day are raised to
 * their maxima so that the soak's own volume is not refused (each virtual user moves to a new
 * number after SENDS_PER_PHONE codes, and every cycle comes from a fresh client address, so the
 * per-IP limits stay at their defaults). Token lifetimes are the longest allowed, so no token
 * of the run expires before the checks afterwards: a refusal then can only be a revocation.
 */
const SOAK_LIMITS = { rate_limit_per_hour: 100, sms_per_prefix_per_hour: 100_000, sms_daily_budget: 10_000_000, access_token_ttl_seconds: 3600 };
const TENANT_PLANS = [
  { label: "soak-a", settings: { ...SOAK_LIMITS, refresh_reuse_interval_seconds: 0 } },
  { label: "soak-b", settings: { ...SOAK_LIMITS, otp_length: 8 } },
  // Within a reuse interval a racing refresh is a retry, not reuse: the session lives on with one live token.
  { label: "soak-grace", settings: { ...SOAK_LIMITS, refresh_reuse_interval_seconds: 30 } },
] as const;

interface Evidence {
  readonly record: SoakRecord;
  readonly ledger: SessionLedger;
  readonly tenants: readonly SoakTenant[];
  readonly audit: AuditCount;
  readonly chains: readonly SessionChain[];
  readonly stillAccepted: readonly string[];
  readonly refreshNotRefused: readonly string[];
}

let stack: SoakStack | undefined;
let evidence: Evidence | undefined;

describe(`soak: ${settings.concurrency} virtual users for ${settings.seconds} s against both workers`, () => {
  beforeAll(async () => {
    stack = await startSoakStack({ gateVars: { REVOCATION_SYNC_MS: String(REVOCATION_SYNC_MS) } });
    const record = new SoakRecord();
    const ledger = new SessionLedger();
    const tenants = await createTenants(record, stack);
    const client = new SoakClient(record, ledger, { issuer: stack.urls.issuer, gate: stack.urls.gate, sms: stack.standIns.sms.url, gateSigningSecret: stack.secrets.GATE_SIGNING_SECRET });

    const startedAt = Date.now();
    const stopAt = startedAt + settings.seconds * 1000;
    await Promise.all(
      Array.from({ length: settings.concurrency }, (_, index) =>
        runVirtualUser({ index, tenant: tenants[index % tenants.length] as SoakTenant, client, random: seededRandom(settings.seed + index), stopAt }),
      ),
    );
    const load = { seconds: (Date.now() - startedAt) / 1000, requests: record.requests };

    await sleep(REVOCATION_BOUND_MS);
    const ended = ledger.endedSessions();
    const probes = await inPool(ended, settings.concurrency, (session) => probeUntilRefused(client, session));
    const stillAccepted = probes.filter((probe) => !probe.refused).map((probe) => `${probe.session.tenant.label} session ${probe.session.sessionId} (${probe.session.reason}): gate still answered ${probe.status ?? "nothing"} after ${probe.probes} probes`);
    const refreshProblems = await inPool(ended, settings.concurrency, async (session) => ({ session, problem: await client.refreshRefused(session, freshIp()) }));
    const refreshNotRefused = refreshProblems.flatMap(({ session, problem }) => (problem === null ? [] : [`${session.tenant.label} session ${session.sessionId} (${session.reason}): refresh answered ${problem}`]));

    const tenantIds = tenants.map((tenant) => tenant.id);
    await waitForDeliveryReports(record, stack, tenantIds);
    const audit = await countAuditEvents(record, stack.urls.issuer, stack.secrets.ADMIN_TOKEN, tenantIds);
    const chains = await readSessionChains({ url: stack.standIns.databaseUrl, fetchEndpoint: stack.standIns.neonFetchEndpoint }, tenantIds);
    evidence = { record, ledger, tenants, audit, chains, stillAccepted, refreshNotRefused };
    printSummary(evidence, load, probes.filter((probe) => probe.probes > 1).length);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("did real work: sign-ins, gate requests, refreshes and logouts all happened", () => {
    const { record, ledger } = collected();
    const performed = (kind: string) => [...record.actions()].filter(([key]) => key.startsWith(`${kind} `)).reduce((sum, [, n]) => sum + n, 0);
    expect({ verify: performed("verify") > 0, gate: performed("gate") > 0, refresh: performed("refresh") > 0, logout: performed("logout") > 0, ended: ledger.endedSessions().length > 0 }).toEqual({
      verify: true,
      gate: true,
      refresh: true,
      logout: true,
      ended: true,
    });
  });

  it("no request got a 5xx or went unanswered", () => {
    expect(collected().record.serverErrors, "responses with status >= 500 (route, status, body) or requests that got no answer").toEqual([]);
  });

  it("every answer was the one the contract gives", () => {
    expect(collected().record.surprises, "answers the contract does not allow").toEqual([]);
  });

  it("the audit log holds exactly the events of the actions performed, per tenant, type and outcome", () => {
    const { record, tenants, audit } = collected();
    const label = new Map(tenants.map((tenant) => [tenant.id, tenant.label]));
    const expected = record.expectedAudit();
    const mismatches = [...new Set([...expected.keys(), ...audit.counts.keys()])]
      .sort()
      .flatMap((key) => {
        const want = expected.get(key) ?? 0;
        const found = audit.counts.get(key) ?? 0;
        const [tenantId = "", event = ""] = key.split(" ");
        return want === found ? [] : [`${label.get(tenantId) ?? tenantId} ${event}: ${want} performed, ${found} in the audit log`];
      });
    expect(audit.anomalies, "audit pagination anomalies").toEqual([]);
    expect(mismatches, "audit events that differ from the actions performed").toEqual([]);
  });

  it("no session has two live refresh tokens, and each has one token per rotation", () => {
    const { ledger, chains } = collected();
    const known = ledger.sessions();
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const chain of chains) {
      seen.add(chain.session_id);
      const entry = known.get(chain.session_id);
      const where = `session ${chain.session_id}`;
      if (chain.unspent > 1) problems.push(`${where}: ${chain.unspent} unspent refresh tokens`);
      if (chain.unspent === 1 && chain.unspent_generation !== chain.last_generation) problems.push(`${where}: the unspent token is generation ${chain.unspent_generation}, not the newest (${chain.last_generation})`);
      if (chain.first_generation !== 1 || chain.tokens !== (chain.last_generation ?? 0)) problems.push(`${where}: generations ${chain.first_generation}..${chain.last_generation} in ${chain.tokens} tokens`);
      if (!entry) {
        problems.push(`${where}: in the database but never handed to the soak`);
        continue;
      }
      if (chain.tokens !== 1 + entry.rotations) problems.push(`${where}: ${chain.tokens} refresh tokens after ${entry.rotations} rotations (expected ${1 + entry.rotations})`);
      if (entry.ended !== null && !chain.revoked) problems.push(`${where}: ended by ${entry.ended} but not revoked`);
    }
    for (const id of known.keys()) if (!seen.has(id)) problems.push(`session ${id}: handed out but not in the database`);
    expect(problems, "refresh-token chains that break the one-live-successor rule").toEqual([]);
  });

  it(`every ended session is refused by the gate (within ${REVOCATION_EXTRA_PROBES} sync intervals past the ${REVOCATION_BOUND_MS} ms bound) and cannot refresh`, () => {
    const { stillAccepted, refreshNotRefused } = collected();
    expect(stillAccepted, "ended sessions whose access token the gate still accepts").toEqual([]);
    expect(refreshNotRefused, "ended sessions whose refresh token still works").toEqual([]);
  });
});

function collected(): Evidence {
  if (!evidence) throw new Error("the soak did not run (see the error of the setup hook)");
  return evidence;
}

async function createTenants(record: SoakRecord, running: SoakStack): Promise<SoakTenant[]> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const tenants: SoakTenant[] = [];
  for (const plan of TENANT_PLANS) {
    const slug = `${plan.label}-${suffix}`;
    const answer = await record.http("POST /api/admin/tenants", `${running.urls.issuer}/api/admin/tenants`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${running.secrets.ADMIN_TOKEN}` },
      body: JSON.stringify({ name: slug, slug, settings: plan.settings }),
    });
    if (!answer || answer.status !== 201) throw new Error(`creating tenant ${slug} answered ${answer ? `${answer.status} ${answer.text}` : "nothing"}`);
    const body = JSON.parse(answer.text) as { tenant_id: string; api_key: string };
    record.expectAudit(body.tenant_id, "tenant.created", "success");
    tenants.push({ id: body.tenant_id, label: plan.label, apiKey: body.api_key, reuseIntervalSeconds: "refresh_reuse_interval_seconds" in plan.settings ? plan.settings.refresh_reuse_interval_seconds : FIXED_SETTING_DEFAULTS.refresh_reuse_interval_seconds });
  }
  return tenants;
}

interface RevocationProbe {
  readonly session: EndedSession;
  readonly refused: boolean;
  readonly status: number | null;
  readonly probes: number;
}

async function probeUntilRefused(client: SoakClient, session: EndedSession): Promise<RevocationProbe> {
  let probes = 0;
  for (;;) {
    const answer = await client.gateRefuses(session);
    probes += 1;
    if (answer.refused || probes > REVOCATION_EXTRA_PROBES) return { session, ...answer, probes };
    await sleep(REVOCATION_SYNC_MS);
  }
}

/** The delivery reports come from the sandbox a little after each send; wait until their audit events are all in, or the deadline. */
async function waitForDeliveryReports(record: SoakRecord, running: SoakStack, tenantIds: readonly string[]): Promise<void> {
  const expected = [...record.expectedAudit()].filter(([key]) => key.endsWith(" sms.delivery_status/success")).reduce((sum, [, n]) => sum + n, 0);
  const deadline = Date.now() + DELIVERY_REPORT_DEADLINE_MS;
  while (Date.now() < deadline) {
    const { counts } = await countAuditEvents(record, running.urls.issuer, running.secrets.ADMIN_TOKEN, tenantIds, "sms.delivery_status");
    const found = [...counts.values()].reduce((sum, n) => sum + n, 0);
    if (found >= expected) return;
    await sleep(1000);
  }
}

async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function printSummary(found: Evidence, load: { seconds: number; requests: number }, lateRefusals: number): void {
  const lines = [
    `soak: ${settings.concurrency} virtual users, ${load.seconds.toFixed(1)} s, seed ${settings.seed}, ` +
      `PostgreSQL ${stack?.backends.postgres ? "real (POSTGRES_URL)" : "PGlite"}, Redis ${stack?.backends.redis ? "real (REDIS_URL)" : "embedded"}`,
    `  ${load.requests} requests during the load, ${(load.requests / load.seconds).toFixed(1)} per second (issuer, gate and SMS inbox together)`,
    `  ${found.ledger.sessions().size} sessions, ${found.ledger.endedSessions().length} ended; ${lateRefusals} ended sessions needed more than one gate probe`,
    `  5xx or unanswered: ${found.record.serverErrors.length}; contract surprises: ${found.record.surprises.length}`,
    "  actions (kind status: count):",
    ...[...found.record.actions()].map(([key, n]) => `    ${key.padEnd(32)} ${n}`),
  ];
  console.log(lines.join("\n"));
}
