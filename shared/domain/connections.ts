export const PROVIDER_KINDS = ["google", "github", "apple", "microsoft", "oidc"] as const;

export type ProviderKind = (typeof PROVIDER_KINDS)[number];
