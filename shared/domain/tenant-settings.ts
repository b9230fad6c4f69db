import { getCountries } from "libphonenumber-js/max";
import { z } from "zod";
import { MAX_ACCESS_TOKEN_TTL_SECONDS, ROLE_PATTERN } from "./access-token-claims";

const COUNTRIES = new Set<string>(getCountries());
const ROLE = ROLE_PATTERN;

/** Names and labels that end up in an SMS or a UI: no C0 control characters, no DEL. */
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
/** What a role looks like, as `validate` words it after the field's name. */
export const ROLE_RULE = "must be a role: 1 to 64 lowercase letters, digits and _ : . -, starting with a letter or digit.";

/** The longest a spent refresh token may be retried for; its successor's sealed copy is kept no longer. */
export const MAX_REFRESH_REUSE_INTERVAL_SECONDS = 60;

/** The ways a tenant may let its users sign in; social connection ids join these when they are enabled. */
export const SIGN_IN_METHODS = ["phone_otp", "email_otp", "password", "passkey"] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** A social or enterprise connection's id, which `sign_in_methods` lists to enable it. */
const CONNECTION_ID = /^con_[0-9a-hjkmnp-tv-z]{26}$/;

export const MFA_MODES = ["off", "optional", "required"] as const;
const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** Each setting with the range docs/api.md gives it. Unknown keys are refused, never ignored. */
export const tenantSettingsPatchSchema = z.strictObject({
  otp_length: z.number().int().min(4).max(10),
  otp_expiry_minutes: z.number().int().min(1).max(60),
  max_otp_attempts: z.number().int().min(1).max(10),
  rate_limit_per_hour: z.number().int().min(1).max(100),
  voip_blocking: z.boolean(),
  sms_branding: z.string().trim().min(1).max(30).regex(NO_CONTROL_CHARACTERS, "must not contain control characters."),
  allowed_countries: z
    .array(z.string().refine((code) => COUNTRIES.has(code), "must be the ISO 3166 alpha-2 code of a country with phone numbers, such as GB."))
    .min(1)
    .max(250)
    .nullable(),
  access_token_ttl_seconds: z.number().int().min(60).max(MAX_ACCESS_TOKEN_TTL_SECONDS),
  refresh_token_ttl_seconds: z.number().int().min(3600).max(7_776_000),
  default_roles: z.array(z.string().regex(ROLE, ROLE_RULE)).max(20),
  cors_origins: z.array(z.string().refine(isOrigin, "must be an origin: http(s)://host or http(s)://host:port, with no path or trailing slash.")).max(20),
  refresh_reuse_interval_seconds: z.number().int().min(0).max(MAX_REFRESH_REUSE_INTERVAL_SECONDS),
  carrier_lookup: z.boolean(),
  audience: z.string().min(1).max(200),
  sms_per_prefix_per_hour: z.number().int().min(1).max(100_000),
  sms_per_ip_per_hour: z.number().int().min(1).max(10_000),
  sms_daily_budget: z.number().int().min(1).max(10_000_000),
  risk_threshold: z.number().int().min(1).max(100),
  turnstile: z
    .strictObject({
      site_key: z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, "must be visible ASCII characters, without spaces."),
      secret_key: z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, "must be visible ASCII characters, without spaces."),
      // Checked against siteverify's answer when set: where the widget ran and its data-action.
      hostnames: z.array(z.string().toLowerCase().regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a hostname, without a scheme or port.")).min(1).max(10).optional(),
      action: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1 to 32 letters, digits, _ or -.").optional(),
    })
    .nullable(),
  sign_in_methods: z
    .array(z.union([z.enum(SIGN_IN_METHODS), z.string().regex(CONNECTION_ID)], { error: `must be one of ${SIGN_IN_METHODS.join(", ")}, or the id of one of the tenant's connections.` }))
    .min(1)
    .max(20)
    .refine((methods) => new Set(methods).size === methods.length, "must not name a method twice."),
  email_verification_required: z.boolean(),
  link_by_verified_email: z.boolean(),
  password_min_length: z.number().int().min(8).max(64),
  mfa: z.enum(MFA_MODES, { error: `must be one of ${MFA_MODES.join(", ")}.` }),
  email_branding: z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, "must not contain control characters."),
  redirect_uris: z.array(z.string().max(2000).refine(isRedirectUri, "must be an absolute https URL (plain http only for a loopback address), with no fragment or credentials.")).max(20),
  branding: z.strictObject({
    logo_url: z.string().max(2000).refine(isHttpsUrl, "must be an https URL.").optional(),
    primary_color: z.string().regex(HEX_COLOR, "must be a color written #rrggbb.").optional(),
    background_color: z.string().regex(HEX_COLOR, "must be a color written #rrggbb.").optional(),
  }),
  passkey_rp_id: z
    .string()
    .toLowerCase()
    .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a domain name, without a scheme, port or path, such as example.com.")
    .nullable(),
  passkey_origins: z.array(z.string().refine(isOrigin, "must be an origin: http(s)://host or http(s)://host:port, with no path or trailing slash.")).min(1).max(20).nullable(),
}).partial();

export type TenantSettingsPatch = z.infer<typeof tenantSettingsPatchSchema>;

export interface TenantSettings {
  readonly otp_length: number;
  readonly otp_expiry_minutes: number;
  readonly max_otp_attempts: number;
  readonly rate_limit_per_hour: number;
  readonly voip_blocking: boolean;
  readonly sms_branding: string;
  readonly allowed_countries: readonly string[] | null;
  readonly access_token_ttl_seconds: number;
  readonly refresh_token_ttl_seconds: number;
  readonly default_roles: readonly string[];
  readonly cors_origins: readonly string[];
  readonly refresh_reuse_interval_seconds: number;
  readonly carrier_lookup: boolean;
  readonly audience: string;
  /** Sends per tenant per number prefix (country code + 3 digits) per hour. */
  readonly sms_per_prefix_per_hour: number;
  /** Sends per tenant per client network (an IPv4 address or IPv6 /64) per hour. */
  readonly sms_per_ip_per_hour: number;
  /** Sends per tenant per UTC day. */
  readonly sms_daily_budget: number;
  /** Risk scores at or above this are challenged (Turnstile) or refused. */
  readonly risk_threshold: number;
  /** Stored with the secret sealed; see tenant-admin. */
  readonly turnstile: { readonly site_key: string; readonly secret_key: string; readonly hostnames?: readonly string[]; readonly action?: string } | null;
  /** A sign-in route whose method is not listed answers `403 sign_in_method_disabled`. */
  /** The built-in methods (`SignInMethod`) and the ids of enabled connections. */
  readonly sign_in_methods: readonly string[];
  /** A first social sign-in joins the user who owns the same address, when both sides have it verified. */
  readonly link_by_verified_email: boolean;
  /** Password accounts must verify their address before they can sign in. */
  readonly email_verification_required: boolean;
  readonly password_min_length: number;
  readonly mfa: (typeof MFA_MODES)[number];
  /** The name emails are sent in; follows the tenant's name until set. */
  readonly email_branding: string;
  /** Where browser flows of this tenant may return. */
  readonly redirect_uris: readonly string[];
  readonly branding: { readonly logo_url?: string; readonly primary_color?: string; readonly background_color?: string };
  /** The WebAuthn relying party id; null follows the issuer URL's host. */
  readonly passkey_rp_id: string | null;
  /** Origins passkey ceremonies may come from; null follows the issuer's origin and `cors_origins`. */
  readonly passkey_origins: readonly string[] | null;
}

export const FIXED_SETTING_DEFAULTS = {
  otp_length: 6,
  otp_expiry_minutes: 10,
  max_otp_attempts: 5,
  rate_limit_per_hour: 5,
  voip_blocking: true,
  allowed_countries: null,
  access_token_ttl_seconds: 900,
  refresh_token_ttl_seconds: 604_800,
  default_roles: ["user"],
  cors_origins: [],
  // Two tabs refreshing at once must not sign the user out: the later one is a retry.
  refresh_reuse_interval_seconds: 10,
  carrier_lookup: false,
  sms_per_prefix_per_hour: 30,
  sms_per_ip_per_hour: 10,
  sms_daily_budget: 1000,
  risk_threshold: 70,
  turnstile: null,
  sign_in_methods: SIGN_IN_METHODS,
  email_verification_required: true,
  link_by_verified_email: true,
  password_min_length: 8,
  mfa: "optional",
  redirect_uris: [],
  branding: {},
  passkey_rp_id: null,
  passkey_origins: null,
} as const satisfies Partial<TenantSettings>;

/**
 * A tenant stores only the settings it set; the rest follow their defaults,
 * so `sms_branding` tracks the tenant's name and `audience` the deployment's
 * default until either is set explicitly.
 */
export function resolveTenantSettings(stored: TenantSettingsPatch, context: { tenantName: string; defaultAudience: string }): TenantSettings {
  return {
    ...FIXED_SETTING_DEFAULTS,
    sms_branding: context.tenantName.slice(0, 30),
    email_branding: context.tenantName.slice(0, 100),
    audience: context.defaultAudience,
    ...stripUndefined(stored),
  };
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

function isRedirectUri(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.hash !== "" || value.includes("#") || url.username !== "" || url.password !== "") return false;
    if (url.protocol === "https:") return true;
    return url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]");
  } catch {
    return false;
  }
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** A sign-in route checks its method first: one the tenant has not enabled is `403 sign_in_method_disabled`. */
export function allowsSignInMethod(settings: Pick<TenantSettings, "sign_in_methods">, method: SignInMethod): boolean {
  return settings.sign_in_methods.includes(method);
}
