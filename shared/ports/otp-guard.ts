import type { SendOutcome, VerifyOutcome } from "../domain/otp-policy";

export interface CodeReservation {
  readonly codeHash: string;
  readonly requestId: string;
  readonly ttlSeconds: number;
  readonly maxAttempts: number;
  readonly maxSendsPerHour: number;
}

/** Per-phone code state, kept close to the user; every call is atomic for its phone. */
export interface OtpGuard {
  reserve(tenantId: string, phoneKey: string, reservation: CodeReservation): Promise<SendOutcome>;
  cancel(tenantId: string, phoneKey: string, requestId: string): Promise<void>;
  verify(tenantId: string, phoneKey: string, codeHash: string): Promise<VerifyOutcome>;
}
