import type { DeliveryStatus } from "../domain/sms-delivery-status";
import type { AuditEvent } from "./audit-log";
import type { SmsAttemptResult } from "./sms-sender";

export interface NewOtpRequest {
  readonly id: string;
  readonly tenantId: string;
  readonly phoneHash: string;
  readonly phoneCountry: string | null;
  readonly ip: string | null;
  readonly country: string | null;
}

/** The delivery record of each code request (never the code). */
export interface OtpRequestLog {
  /** Records the request, what every provider attempt did and the audit events that go with it, in one transaction. */
  record(request: NewOtpRequest, attempts: readonly SmsAttemptResult[], auditEvents: readonly AuditEvent[]): Promise<void>;
  /**
   * Records a provider's delivery report on the request whose send it accepted
   * under `providerMessageId`. A status only moves forward (`statusesReplaceableBy`),
   * so a late or repeated report is `kept` without writing anything.
   */
  recordDeliveryStatus(report: ProviderDeliveryReport): Promise<DeliveryReportOutcome>;
}

export interface ProviderDeliveryReport {
  readonly provider: string;
  readonly providerMessageId: string;
  readonly status: DeliveryStatus;
  /** The provider's error code, for `undelivered` and `failed`. */
  readonly errorCode: number | null;
}

export type DeliveryReportOutcome =
  | { readonly kind: "recorded"; readonly requestId: string; readonly tenantId: string }
  | { readonly kind: "kept"; readonly requestId: string; readonly tenantId: string; readonly current: string | null }
  | { readonly kind: "unknown_message" };
