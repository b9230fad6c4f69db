/** The providers a tenant can connect for social and enterprise sign-in. */
export const PROVIDER_KINDS = ["google", "github", "apple", "microsoft", "oidc"] as const;

export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** What a connection asks for when the admin names no scopes. */
export const DEFAULT_SCOPES: { readonly [K in ProviderKind]: readonly string[] } = {
  google: ["openid", "email", "profile"],
  microsoft: ["openid", "email", "profile"],
  oidc: ["openid", "email", "profile"],
  github: ["read:user", "user:email"],
  apple: ["name", "email"],
};

/** OpenID Connect sign-ins need `openid`: it is added rather than refused (and shown in the answer). Apple adds it itself. */
export function withOpenId(provider: ProviderKind, requested: readonly string[]): readonly string[] {
  if (provider === "github" || provider === "apple" || requested.includes("openid")) return requested;
  return ["openid", ...requested];
}
