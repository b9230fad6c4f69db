/** Who is asking, as far as the audit log needs to know. Never a secret. */
export interface RequestContext {
  readonly requestId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** ISO 3166 alpha-2 from Cloudflare's `request.cf.country`. */
  readonly country: string | null;
}
