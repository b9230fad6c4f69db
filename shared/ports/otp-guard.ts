import type { SendOutcome, VerifyOutcome } from "../domain/otp-policy";

export interface CodeReservation {
  readonly codeHash: string;
  /** A keyed hash of the asking client's network: a locked network may not send. */
  readonly network: string;
  readonly requestId: string;
  readonly ttlSeconds: number;
  readonly maxAttempts: number;
  readonly maxSendsPerHour: number;
}

/** Per-phone code state, kept close to the user; every call is atomic for its phone. */
export interface OtpGuard {
  reserve(tenantId: string, phoneKey: string, reservation: CodeReservation): Promise<SendOutcome>;
  cancel(tenantId: string, phoneKey: string, requestId: string): Promise<void>;
  /** `network` is a keyed hash of the presenting client's network, which its own failure run is kept under. */
  verify(tenantId: string, phoneKey: string, attempt: { codeHash: string; network: string }): Promise<VerifyOutcome>;
}
