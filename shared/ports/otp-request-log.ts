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
  /** Records the request and what every provider attempt did, in one write. */
  record(request: NewOtpRequest, attempts: readonly SmsAttemptResult[]): Promise<void>;
}
