/**
 * Times the gate's revocation sync inside workerd: the gate's own snapshot and
 * Upstash reader, against the stand-in named in the path. `GET /full/<list>`
 * loads the whole live list into a fresh snapshot (what a new isolate does);
 * `GET /incremental/<list>` then syncs again, which reads only what changed.
 * `GET /read/<list>` times the Upstash read of the whole list alone, so the
 * snapshot's own share of a full sync shows. `GET /noop` answers at once, for
 * the client's round-trip baseline.
 */
import { upstashRevocationReader } from "../../shared/adapters/upstash/revocation-reader";
import { REVOCATION_LIFETIME_MS } from "../../shared/domain/revocation-entries";
import { RevocationSnapshot } from "../../workers/gate/validation/revocation-snapshot";

interface SyncProbeEnv {
  readonly UPSTASH_TOKEN: string;
  /** JSON: list name → Upstash stand-in URL. */
  readonly LISTS: string;
}

const snapshots = new Map<string, RevocationSnapshot>();

export default {
  async fetch(request: Request, env: SyncProbeEnv): Promise<Response> {
    const [, step, list] = new URL(request.url).pathname.split("/");
    if (step === "noop") return Response.json({});
    const url = (JSON.parse(env.LISTS) as Record<string, string>)[list ?? ""];
    if (!url) return new Response("unknown list", { status: 404 });
    const reader = upstashRevocationReader({ url, token: env.UPSTASH_TOKEN });
    if (step === "read") {
      const started = Date.now();
      const members = await reader.logSince(started - REVOCATION_LIFETIME_MS);
      await new Promise((resolve) => setTimeout(resolve, 0));
      return Response.json({ synced: true, ms: Date.now() - started, entries: members.length });
    }
    let snapshot = snapshots.get(list ?? "");
    if (step === "full" || !snapshot) {
      snapshot = new RevocationSnapshot(reader, 500);
      snapshots.set(list ?? "", snapshot);
    }
    const started = Date.now();
    const synced = await snapshot.sync(Date.now());
    // workerd's clock only moves on I/O: a timer turn makes it include the CPU work after the read.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return Response.json({ synced, ms: Date.now() - started, entries: snapshot.size });
  },
};
