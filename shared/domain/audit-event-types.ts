/** Every audit event type the service writes; `GET /api/admin/audit?type=` filters on these. */
export const AUDIT_EVENT_TYPES = [
  "tenant.created",
  "tenant.updated",
  "tenant.key_created",
  "tenant.key_deleted",
  "user.updated",
  "user.disabled",
  "user.enabled",
  "user.deleted",
  "user.sessions_revoked",
  "signing_key.rotated",
  "auth.code_requested",
  "auth.code_sent",
  "auth.code_send_failed",
  "auth.rate_limited",
  "auth.verify_failed",
  "auth.locked_out",
  "auth.signed_in",
  "auth.refreshed",
  "auth.refresh_failed",
  "auth.refresh_reuse_detected",
  "auth.logged_out",
  "auth.logged_out_all",
  "auth.profile_updated",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
