import { describe, expect, it } from "vitest";
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from "../../../shared/domain/access-token-claims";
import { resolveTenantSettings, tenantSettingsPatchSchema } from "../../../shared/domain/tenant-settings";

const accepts = (patch: Record<string, unknown>) => tenantSettingsPatchSchema.safeParse(patch).success;

/** Ranges from docs/api.md, "Tenants" (the settings table). */
const INTEGER_RANGES = [
  ["otp_length", 4, 10],
  ["otp_expiry_minutes", 1, 60],
  ["max_otp_attempts", 1, 10],
  ["rate_limit_per_hour", 1, 100],
  ["access_token_ttl_seconds", 60, 3600],
  ["refresh_token_ttl_seconds", 3600, 7_776_000],
  ["refresh_reuse_interval_seconds", 0, 60],
] as const;

describe("tenantSettingsPatchSchema", () => {
  it("accepts an empty patch", () => {
    expect(accepts({})).toBe(true);
  });

  describe.each(INTEGER_RANGES)("%s (%i..%i)", (name, min, max) => {
    it("accepts both ends of the range", () => {
      expect(accepts({ [name]: min })).toBe(true);
      expect(accepts({ [name]: max })).toBe(true);
    });

    it("refuses one below and one above", () => {
      expect(accepts({ [name]: min - 1 })).toBe(false);
      expect(accepts({ [name]: max + 1 })).toBe(false);
    });

    it("refuses a fraction, a numeric string, null, NaN and Infinity", () => {
      for (const value of [min + 0.5, String(min), null, Number.NaN, Number.POSITIVE_INFINITY]) expect(accepts({ [name]: value })).toBe(false);
    });
  });

  it("caps access_token_ttl_seconds at MAX_ACCESS_TOKEN_TTL_SECONDS, which bounds revocation entries", () => {
    expect(MAX_ACCESS_TOKEN_TTL_SECONDS).toBe(3600);
    expect(accepts({ access_token_ttl_seconds: MAX_ACCESS_TOKEN_TTL_SECONDS })).toBe(true);
    expect(accepts({ access_token_ttl_seconds: MAX_ACCESS_TOKEN_TTL_SECONDS + 1 })).toBe(false);
  });

  it.each(["voip_blocking", "carrier_lookup"])("%s takes only a boolean", (name) => {
    expect(accepts({ [name]: true })).toBe(true);
    expect(accepts({ [name]: false })).toBe(true);
    for (const value of ["true", 1, 0, null]) expect(accepts({ [name]: value })).toBe(false);
  });

  describe("sms_branding (1..30 characters)", () => {
    it("accepts 1 and 30 characters", () => {
      expect(accepts({ sms_branding: "A" })).toBe(true);
      expect(accepts({ sms_branding: "A".repeat(30) })).toBe(true);
    });

    it("refuses empty, blank and 31 characters", () => {
      expect(accepts({ sms_branding: "" })).toBe(false);
      expect(accepts({ sms_branding: "   " })).toBe(false);
      expect(accepts({ sms_branding: "A".repeat(31) })).toBe(false);
    });

    it("trims surrounding spaces before measuring and stores the trimmed text", () => {
      expect(tenantSettingsPatchSchema.parse({ sms_branding: `  ${"A".repeat(30)}  ` })).toEqual({ sms_branding: "A".repeat(30) });
    });

    it.each([
      ["a newline inside", "Acme\nBank"],
      ["a NUL", "Acme\u0000"],
      ["a bell", "Ac\u0007me"],
      ["DEL", "Acme\u007f"],
      ["an escape sequence", "\u001b[31mAcme"],
    ])("refuses %s (the text goes into an SMS verbatim)", (_, branding) => {
      expect(accepts({ sms_branding: branding })).toBe(false);
    });

    it("accepts letters beyond ASCII", () => {
      expect(accepts({ sms_branding: "Café Zoë" })).toBe(true);
    });
  });

  describe("allowed_countries (null or ISO 3166 alpha-2 codes)", () => {
    it("accepts null and a list of known regions", () => {
      expect(accepts({ allowed_countries: null })).toBe(true);
      expect(accepts({ allowed_countries: ["US", "GB", "GG"] })).toBe(true);
    });

    it.each([
      ["an empty list (use null for no restriction)", []],
      ["lower case", ["us"]],
      ["UK, which is not an ISO code", ["UK"]],
      ["an unassigned code", ["ZZ"]],
      ["a region without phone numbers", ["AQ"]],
      ["alpha-3", ["USA"]],
      ["a calling code", ["+1"]],
    ])("refuses %s", (_, allowed) => {
      expect(accepts({ allowed_countries: allowed })).toBe(false);
    });

    it("accepts 250 entries and refuses 251", () => {
      expect(accepts({ allowed_countries: new Array<string>(250).fill("US") })).toBe(true);
      expect(accepts({ allowed_countries: new Array<string>(251).fill("US") })).toBe(false);
    });
  });

  describe("default_roles", () => {
    it("accepts role names made of lowercase letters, digits and _ : . -", () => {
      expect(accepts({ default_roles: ["user", "org:admin", "billing.read", "team-1_a"] })).toBe(true);
      expect(accepts({ default_roles: [] })).toBe(true);
    });

    it.each([["Admin"], ["user,admin"], ["has space"], [""], ["-leading"], ["a".repeat(65)]])("refuses %j", (role) => {
      expect(accepts({ default_roles: [role] })).toBe(false);
    });

    it("accepts 20 roles and refuses 21", () => {
      const roles = Array.from({ length: 21 }, (_, index) => `role${index}`);
      expect(accepts({ default_roles: roles.slice(0, 20) })).toBe(true);
      expect(accepts({ default_roles: roles })).toBe(false);
    });
  });

  describe("cors_origins", () => {
    it("accepts bare http(s) origins, with a port", () => {
      expect(accepts({ cors_origins: ["https://app.example.com", "http://localhost:3000", "https://[::1]:8443"] })).toBe(true);
    });

    it.each([
      ["a trailing slash", "https://app.example.com/"],
      ["a path", "https://app.example.com/login"],
      ["a query", "https://app.example.com?x=1"],
      ["*", "*"],
      ["another scheme", "ftp://files.example.com"],
      ["javascript:", "javascript:alert(1)"],
      ["an upper-case host (browsers send it lower-case)", "https://App.Example.com"],
      ["the default port spelled out", "https://app.example.com:443"],
      ["credentials", "https://user:pass@app.example.com"],
      ["no scheme", "app.example.com"],
      ["null", "null"],
    ])("refuses an origin with %s", (_, origin) => {
      expect(accepts({ cors_origins: [origin] })).toBe(false);
    });

    it("accepts 20 origins and refuses 21", () => {
      const origins = Array.from({ length: 21 }, (_, index) => `https://app${index}.example.com`);
      expect(accepts({ cors_origins: origins.slice(0, 20) })).toBe(true);
      expect(accepts({ cors_origins: origins })).toBe(false);
    });
  });

  describe("audience", () => {
    it("accepts 1 to 200 characters", () => {
      expect(accepts({ audience: "a" })).toBe(true);
      expect(accepts({ audience: "a".repeat(200) })).toBe(true);
    });

    it("refuses empty and 201 characters", () => {
      expect(accepts({ audience: "" })).toBe(false);
      expect(accepts({ audience: "a".repeat(201) })).toBe(false);
    });
  });

  it.each([
    ["a misspelt setting", { otp_lenght: 6 }],
    ["a setting from another product", { password_rotation_days: 90 }],
    ["an unknown key beside valid ones", { otp_length: 6, extra: true }],
    ["__proto__", JSON.parse('{"__proto__": {"otp_length": 4}}') as Record<string, unknown>],
  ])("refuses %s instead of ignoring it", (_, patch) => {
    expect(accepts(patch)).toBe(false);
  });

  describe("account settings", () => {
    it("sign_in_methods takes known methods, each once, at least one", () => {
      expect(accepts({ sign_in_methods: ["password"] })).toBe(true);
      expect(accepts({ sign_in_methods: ["phone_otp", "email_otp", "password", "passkey"] })).toBe(true);
      expect(accepts({ sign_in_methods: [] })).toBe(false);
      expect(accepts({ sign_in_methods: ["password", "password"] })).toBe(false);
      expect(accepts({ sign_in_methods: ["magic"] })).toBe(false);
      expect(accepts({ sign_in_methods: "password" })).toBe(false);
    });

    it("password_min_length takes 8..64 and nothing weaker than NIST's minimum", () => {
      expect(accepts({ password_min_length: 8 })).toBe(true);
      expect(accepts({ password_min_length: 64 })).toBe(true);
      expect(accepts({ password_min_length: 7 })).toBe(false);
      expect(accepts({ password_min_length: 65 })).toBe(false);
      expect(accepts({ password_min_length: 10.5 })).toBe(false);
    });

    it("mfa is off, optional or required; email_verification_required a boolean", () => {
      for (const mode of ["off", "optional", "required"]) expect(accepts({ mfa: mode })).toBe(true);
      expect(accepts({ mfa: "always" })).toBe(false);
      expect(accepts({ email_verification_required: false })).toBe(true);
      expect(accepts({ email_verification_required: "no" })).toBe(false);
    });

    it("email_branding refuses blank, over-long and control characters", () => {
      expect(accepts({ email_branding: "Acme Bank" })).toBe(true);
      expect(accepts({ email_branding: "A".repeat(100) })).toBe(true);
      expect(accepts({ email_branding: " " })).toBe(false);
      expect(accepts({ email_branding: "A".repeat(101) })).toBe(false);
      expect(accepts({ email_branding: "Acme\r\nBcc: victim@example.com" })).toBe(false);
    });

    it("redirect_uris must be https (http only on loopback) with no fragment or credentials: an open redirect cannot be configured by accident", () => {
      expect(accepts({ redirect_uris: ["https://app.example.com/callback", "http://localhost:3000/cb", "http://127.0.0.1:8080/"] })).toBe(true);
      for (const uri of ["http://app.example.com/cb", "https://app.example.com/cb#frag", "javascript:alert(1)", "https://user:pw@app.example.com/", "/relative", "data:text/html,x"]) {
        expect(accepts({ redirect_uris: [uri] }), uri).toBe(false);
      }
    });

    it("the redirect_uris refusal names no host, so no answer reads like it leaks an internal address", () => {
      const parsed = tenantSettingsPatchSchema.safeParse({ redirect_uris: ["http://app.example.com/cb"] });
      expect(parsed.success).toBe(false);
      const message = parsed.error?.issues[0]?.message ?? "";
      expect(message).toContain("https");
      expect(message).not.toMatch(/localhost|127\.0\.0\.1/);
    });

    it("passkey_rp_id is a bare domain name and passkey_origins a list of origins: no scheme, port or path where they do not belong", () => {
      expect(accepts({ passkey_rp_id: "example.com", passkey_origins: ["https://example.com", "https://app.example.com:8443"] })).toBe(true);
      expect(accepts({ passkey_rp_id: null, passkey_origins: null })).toBe(true);
      for (const rpId of ["https://example.com", "example.com:443", "example.com/", "", "exa mple.com", "-example.com"]) expect(accepts({ passkey_rp_id: rpId }), rpId).toBe(false);
      for (const origins of [[], ["https://example.com/"], ["https://example.com/login"], ["*"]]) expect(accepts({ passkey_origins: origins }), JSON.stringify(origins)).toBe(false);
    });

    it("branding takes an https logo and #rrggbb colors, nothing else", () => {
      expect(accepts({ branding: {} })).toBe(true);
      expect(accepts({ branding: { logo_url: "https://cdn.example.com/logo.svg", primary_color: "#0a66C2", background_color: "#ffffff" } })).toBe(true);
      expect(accepts({ branding: { logo_url: "http://cdn.example.com/logo.svg" } })).toBe(false);
      expect(accepts({ branding: { primary_color: "red" } })).toBe(false);
      expect(accepts({ branding: { primary_color: "#fff" } })).toBe(false);
      expect(accepts({ branding: { css: "body{}" } })).toBe(false);
    });
  });

  it("refuses a value that is not an object", () => {
    for (const value of [null, [], "otp_length=6", 6]) expect(tenantSettingsPatchSchema.safeParse(value).success).toBe(false);
  });
});

describe("resolveTenantSettings", () => {
  const context = { tenantName: "Acme Bank", defaultAudience: "https://api.portcullis.test" };

  it("fills every unset setting with the contract's default", () => {
    expect(resolveTenantSettings({}, context)).toEqual({
      otp_length: 6,
      otp_expiry_minutes: 10,
      max_otp_attempts: 5,
      rate_limit_per_hour: 5,
      voip_blocking: true,
      sms_branding: "Acme Bank",
      allowed_countries: null,
      access_token_ttl_seconds: 900,
      refresh_token_ttl_seconds: 604_800,
      default_roles: ["user"],
      cors_origins: [],
      refresh_reuse_interval_seconds: 10,
      carrier_lookup: false,
      sms_per_prefix_per_hour: 30,
      sms_per_ip_per_hour: 10,
      sms_daily_budget: 1000,
      risk_threshold: 70,
      turnstile: null,
      audience: "https://api.portcullis.test",
      sign_in_methods: ["phone_otp", "email_otp", "password", "passkey"],
      email_verification_required: true,
      link_by_verified_email: true,
      password_min_length: 8,
      mfa: "optional",
      email_branding: "Acme Bank",
      redirect_uris: [],
      branding: {},
      passkey_rp_id: null,
      passkey_origins: null,
    });
  });

  it("produces defaults that the patch schema itself accepts", () => {
    expect(tenantSettingsPatchSchema.safeParse(resolveTenantSettings({}, context)).success).toBe(true);
  });

  it("keeps sms_branding following the tenant's name until it is set", () => {
    expect(resolveTenantSettings({}, { ...context, tenantName: "Renamed Ltd" }).sms_branding).toBe("Renamed Ltd");
    expect(resolveTenantSettings({ sms_branding: "Acme" }, { ...context, tenantName: "Renamed Ltd" }).sms_branding).toBe("Acme");
  });

  it("keeps email_branding following the tenant's name until it is set", () => {
    expect(resolveTenantSettings({}, { ...context, tenantName: "Renamed Ltd" }).email_branding).toBe("Renamed Ltd");
    expect(resolveTenantSettings({ email_branding: "Acme" }, { ...context, tenantName: "Renamed Ltd" }).email_branding).toBe("Acme");
  });

  it("cuts a long tenant name to the 30 characters an SMS branding may have", () => {
    const name = "The Extremely Long Name Of A Bank Holding Company";
    expect(resolveTenantSettings({}, { ...context, tenantName: name }).sms_branding).toBe(name.slice(0, 30));
  });

  it("keeps audience following the deployment's default until it is set", () => {
    expect(resolveTenantSettings({}, { ...context, defaultAudience: "https://new.test" }).audience).toBe("https://new.test");
    expect(resolveTenantSettings({ audience: "https://mine.test" }, context).audience).toBe("https://mine.test");
  });

  it("lets stored settings override defaults, including to false, 0 and null", () => {
    const resolved = resolveTenantSettings(
      { voip_blocking: false, refresh_reuse_interval_seconds: 0, allowed_countries: ["GB"], otp_length: 8, default_roles: [] },
      context,
    );
    expect(resolved).toMatchObject({ voip_blocking: false, refresh_reuse_interval_seconds: 0, allowed_countries: ["GB"], otp_length: 8, default_roles: [] });
    expect(resolveTenantSettings({ allowed_countries: ["GB"] }, context).allowed_countries).toEqual(["GB"]);
  });

  it("treats a stored undefined as unset, not as a value", () => {
    const resolved = resolveTenantSettings({ otp_length: undefined, sms_branding: undefined, audience: undefined }, context);
    expect(resolved.otp_length).toBe(6);
    expect(resolved.sms_branding).toBe("Acme Bank");
    expect(resolved.audience).toBe("https://api.portcullis.test");
  });

  it("does not share the default role list between tenants", () => {
    const first = resolveTenantSettings({}, context);
    const second = resolveTenantSettings({ default_roles: ["admin"] }, context);
    expect(first.default_roles).toEqual(["user"]);
    expect(second.default_roles).toEqual(["admin"]);
  });
});
