/** Whether a user holds a second factor: an active TOTP factor or a passkey. */
export interface SecondFactorPresence {
  hasSecondFactor(tenantId: string, userId: string): Promise<boolean>;
}
