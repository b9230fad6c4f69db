/**
 * One virtual user in a closed loop: sign in, use the gate, refresh (sometimes
 * twice, sometimes two at once), use the gate again, log out (sometimes from
 * every device). Each cycle comes from a fresh client address, so the per-IP
 * limits (RATE_LIMIT_MAX on /api/auth/*, sms_per_ip_per_hour) describe one
 * client's cycle, as they would in production, never the soak's total.
 */
import { freshIp } from "../support/test-identities";
import type { LiveSession, SoakTenant } from "./session-ledger";
import type { SoakClient } from "./soak-client";

/** Codes sent to one phone before the user moves to the next (the soak tenants allow 100 per phone per hour). */
export const SENDS_PER_PHONE = 20;
const GATE_REQUESTS_PER_TOKEN = 3;

export interface ScenarioOdds {
  readonly wrongCodeFirst: number;
  readonly refreshRace: number;
  readonly refreshTwice: number;
  readonly logoutAll: number;
}

export const SCENARIO_ODDS: ScenarioOdds = { wrongCodeFirst: 0.1, refreshRace: 0.15, refreshTwice: 0.25, logoutAll: 0.2 };

export interface VirtualUserOptions {
  readonly index: number;
  readonly tenant: SoakTenant;
  readonly client: SoakClient;
  readonly random: () => number;
  /** Epoch ms after which no new cycle starts; the cycle in flight finishes. */
  readonly stopAt: number;
}

export async function runVirtualUser(options: VirtualUserOptions): Promise<void> {
  let sends = 0;
  while (Date.now() < options.stopAt) {
    const phone = phoneOf(options.index, Math.floor(sends / SENDS_PER_PHONE));
    const logoutEverywhere = options.random() < SCENARIO_ODDS.logoutAll;
    sends += logoutEverywhere ? 2 : 1;
    try {
      await cycle(options, phone, logoutEverywhere);
    } catch (error) {
      // An answer the client could not even read (not JSON, say): reported, and the user carries on.
      options.client.report(`virtual user ${options.index}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
}

async function cycle({ tenant, client, random }: VirtualUserOptions, phone: string, logoutEverywhere: boolean): Promise<void> {
  const ip = freshIp();
  let session: LiveSession | null = await client.signIn(tenant, phone, ip, { wrongCodeFirst: random() < SCENARIO_ODDS.wrongCodeFirst });
  if (!session) return;
  if (!(await useGate(client, session))) return;

  const plan = random();
  if (plan < SCENARIO_ODDS.refreshRace) {
    session = await client.refreshRace(session, ip);
  } else {
    session = await client.refresh(session, ip);
    if (session && plan < SCENARIO_ODDS.refreshRace + SCENARIO_ODDS.refreshTwice) session = await client.refresh(session, ip);
  }
  if (!session) return;
  if (!(await useGate(client, session))) return;

  if (!logoutEverywhere) {
    await client.logout(session, ip);
    return;
  }
  // A second device signs in to the same account; logout-all must end both.
  const second = await client.signIn(tenant, phone, ip, { wrongCodeFirst: false });
  if (!second) return;
  if (!(await useGate(client, second))) return;
  await client.logoutAll(session, [second], ip);
}

async function useGate(client: SoakClient, session: LiveSession): Promise<boolean> {
  for (let n = 0; n < GATE_REQUESTS_PER_TOKEN; n += 1) {
    if (!(await client.throughGate(session, n))) return false;
  }
  return true;
}

/**
 * A distinct US number per virtual user and phone: +1 415 (200 + user) (2000 + phone).
 * Valid, and outside the sandbox's VOIP ranges (last four digits 0180–0199).
 */
export function phoneOf(userIndex: number, phoneIndex: number): string {
  return `+1415${200 + userIndex}${2000 + phoneIndex}`;
}

/** mulberry32: a small seeded generator, so a run's mix of scenarios can be repeated with SOAK_SEED. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
