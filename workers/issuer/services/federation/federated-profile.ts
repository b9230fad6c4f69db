import type { JWTPayload } from "jose";
import type { ProviderKind } from "../../../../shared/domain/connections";

export interface ProfileClaims {
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly name: string | null;
  readonly privateRelay: boolean;
}

const NAME_LIMIT = 200;
const APPLE_RELAY_DOMAIN = "@privaterelay.appleid.com";

/** What a validated id_token says about the person, read as each provider documents its claims. */
export function profileFromClaims(kind: Exclude<ProviderKind, "github">, claims: JWTPayload, appleUser: string | null): ProfileClaims {
  const email = typeof claims["email"] === "string" && claims["email"].includes("@") ? claims["email"].toLowerCase() : null;
  const subject = claims.sub ?? "";
  switch (kind) {
    case "oidc":
    case "google":
      return { subject, email, emailVerified: email !== null && claims["email_verified"] === true, name: claimName(claims), privateRelay: false };
    case "microsoft":
      return microsoftProfile(claims, email);
    case "apple": {
      const privateRelay = isTrue(claims["is_private_email"]) || (email?.endsWith(APPLE_RELAY_DOMAIN) ?? false);
      return { subject, email, emailVerified: email !== null && isTrue(claims["email_verified"]), name: appleName(appleUser), privateRelay };
    }
  }
}

/**
 * Microsoft's `email` is whatever the account's tenant typed in, so it is trusted only with the
 * optional `xms_edov` claim (the tenant owns the address's domain). The subject is `tid:oid`, the
 * pair Microsoft names as the stable identifier of a user across its tenants; `sub` is used only
 * when the token lacks them.
 */
function microsoftProfile(claims: JWTPayload, email: string | null): ProfileClaims {
  const tid = claims["tid"];
  const oid = claims["oid"];
  const subject = typeof tid === "string" && typeof oid === "string" && tid !== "" && oid !== "" ? `${tid}:${oid}` : (claims.sub ?? "");
  return { subject, email, emailVerified: email !== null && claims["xms_edov"] === true, name: claimName(claims), privateRelay: false };
}

/** Apple sends some booleans as the strings "true" and "false". */
function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

function claimName(claims: JWTPayload): string | null {
  if (typeof claims["name"] === "string") return cleanName(claims["name"]);
  const parts = [claims["given_name"], claims["family_name"]].filter((part): part is string => typeof part === "string");
  return cleanName(parts.join(" "));
}

/** Apple gives the name only on the first sign-in, in the form's `user` field: `{"name":{"firstName","lastName"},"email"}`. */
function appleName(user: string | null): string | null {
  if (user === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(user);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const name = (parsed as { name?: unknown }).name;
  if (typeof name !== "object" || name === null) return null;
  const { firstName, lastName } = name as { firstName?: unknown; lastName?: unknown };
  return cleanName([firstName, lastName].filter((part): part is string => typeof part === "string").join(" "));
}

function cleanName(text: string): string | null {
  const trimmed = text.replace(/\s+/g, " ").replace(/\p{Cc}/gu, "").trim().slice(0, NAME_LIMIT);
  return trimmed === "" ? null : trimmed;
}
