import type { NewIdentity } from "./identity-store";

/** The user a first social sign-in creates: no phone, no password. */
export interface NewFederatedUser {
  readonly id: string;
  readonly tenantId: string;
  /** The provider's address; kept on the user only when no live user of the tenant holds it. */
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly roles: readonly string[];
  /** The name the provider gave (Apple gives it on the first sign-in only); kept in the user's metadata as `name`. */
  readonly name: string | null;
}

export interface FederatedUserStore {
  /**
   * The user and their first identity in one transaction. "identity_taken" when that
   * (tenant, connection, subject) was linked meanwhile: then no user is created either.
   */
  createWithIdentity(user: NewFederatedUser, identity: Omit<NewIdentity, "userId" | "tenantId">, now: Date): Promise<"created" | "identity_taken">;
}
