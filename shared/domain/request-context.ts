/** Who is asking, as far as the audit log needs to know. Never a secret. */
export interface RequestContext {
  readonly requestId: string;
  /** The canonical client address (`shared/domain/client-network.ts`), null when unreadable. */
  readonly ip: string | null;
  /** The key every per-client limit counts by: the IPv4 address, the IPv6 /64, or the one shared unknown key. */
  readonly network: string;
  readonly userAgent: string | null;
  /** ISO 3166 alpha-2 from Cloudflare's `request.cf.country`. */
  readonly country: string | null;
}
