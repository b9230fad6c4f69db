import type { CodeReservation, OtpGuard } from "../../ports/otp-guard";
import type { PhoneCodeGuard } from "./phone-code-guard";

/** Object names are built here only: one object per tenant and (hashed) phone. */
export function phoneGuardName(tenantId: string, phoneKey: string): string {
  return `${tenantId}:${phoneKey}`;
}

export class PhoneCodeGuardClient implements OtpGuard {
  readonly #namespace: DurableObjectNamespace<PhoneCodeGuard>;

  constructor(namespace: DurableObjectNamespace<PhoneCodeGuard>) {
    this.#namespace = namespace;
  }

  reserve(tenantId: string, phoneKey: string, reservation: CodeReservation) {
    return this.#stub(tenantId, phoneKey).reserve({ ...reservation });
  }

  async cancel(tenantId: string, phoneKey: string, requestId: string): Promise<void> {
    await this.#stub(tenantId, phoneKey).cancel(requestId);
  }

  verify(tenantId: string, phoneKey: string, attempt: { codeHash: string; network: string }) {
    return this.#stub(tenantId, phoneKey).verify({ ...attempt });
  }

  #stub(tenantId: string, phoneKey: string) {
    return this.#namespace.get(this.#namespace.idFromName(phoneGuardName(tenantId, phoneKey)));
  }
}
