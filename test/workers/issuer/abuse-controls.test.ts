/**
 * SMS-pumping defences on POST /api/auth/request, one test per rule, with real
 * numbers. Faults in the sandbox are set per number, so tests never see each other's.
 */
import { describe, expect, inject, it } from "vitest";
import {
  adminFetch,
  createTenant,
  expectError,
  freshIp,
  freshPhone,
  inbox,
  issuerRequest,
  jsonRequest,
  requestCode,
  setSandboxFault,
  verifyCode,
  type TenantCredentials,
} from "./support/issuer-client";

interface AuditEvent {
  readonly type: string;
  readonly outcome: string;
  readonly details: Record<string, unknown>;
}

async function auditOf(tenant: TenantCredentials): Promise<AuditEvent[]> {
  const response = await adminFetch(`/api/admin/audit?tenant_id=${tenant.tenant_id}&limit=100`);
  return (await response.json<{ events: AuditEvent[] }>()).events;
}

/** A +1 number in one 4-digit prefix (+1 415 2xx …), outside the sandbox's VOIP ranges. */
function phoneInPrefix(prefixDigits: string): string {
  const [exchange = 0, line = 0] = crypto.getRandomValues(new Uint32Array(2));
  return `+1${prefixDigits}${String(10 + (exchange % 90))}${String(2000 + (line % 7000))}`;
}

describe("number types", () => {
  it("refuses a UK VOIP number (+44 56…) under voip_blocking with reason voip, and audits it", async () => {
    const tenant = await createTenant();
    const body = await expectError(await requestCode(tenant.api_key, "+445612345678"), 403, "phone_not_allowed");
    expect(body.error.reason).toBe("voip");
    expect(await auditOf(tenant)).toContainEqual(expect.objectContaining({ type: "auth.code_requested", outcome: "blocked", details: expect.objectContaining({ reason: "voip" }) }));
  });

  it("always refuses a UK premium-rate number (+44 90…)", async () => {
    const tenant = await createTenant({ voip_blocking: false });
    expect((await expectError(await requestCode(tenant.api_key, "+449012345678"), 403, "phone_not_allowed")).error.reason).toBe("premium_rate");
  });
});

describe("countries", () => {
  it("refuses a German mobile outside the allowlist with reason country", async () => {
    const tenant = await createTenant({ allowed_countries: ["GB", "US"] });
    expect((await expectError(await requestCode(tenant.api_key, "+4915123456789"), 403, "phone_not_allowed")).error.reason).toBe("country");
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);
  });
});

describe("carrier lookup", () => {
  it("refuses the sandbox's VOIP +1 numbers, which libphonenumber cannot tell apart", async () => {
    const tenant = await createTenant({ carrier_lookup: true });
    const voip = `+1415${String(200 + Math.floor(Math.random() * 800))}0190`;
    expect((await expectError(await requestCode(tenant.api_key, voip), 403, "phone_not_allowed")).error.reason).toBe("voip");
    expect(await inbox(voip)).toEqual([]);
    // Without carrier lookup the same number is sent to.
    const other = await createTenant();
    expect((await requestCode(other.api_key, voip)).status).toBe(202);
  });

  it("lets a mobile through", async () => {
    const tenant = await createTenant({ carrier_lookup: true });
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);
  });

  it("with Lookup down, sends anyway, audits the failure and scores the send as riskier", async () => {
    const tenant = await createTenant({ carrier_lookup: true });
    const phone = freshPhone();
    await setSandboxFault("lookup", "error_5xx", [phone]);
    try {
      expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    } finally {
      await setSandboxFault("lookup", "none");
    }
    expect(await auditOf(tenant)).toContainEqual(expect.objectContaining({ type: "auth.carrier_lookup_failed", outcome: "failure" }));

    // The same failure pushes a tenant with a low threshold over it.
    const strict = await createTenant({ carrier_lookup: true, risk_threshold: 10 });
    const phone2 = freshPhone();
    await setSandboxFault("lookup", "error_5xx", [phone2]);
    try {
      expect((await expectError(await requestCode(strict.api_key, phone2), 403, "phone_not_allowed")).error.reason).toBe("risk");
    } finally {
      await setSandboxFault("lookup", "none");
    }
  });
});

describe("velocity and budgets", () => {
  it("limits a burst on one number prefix, per tenant", async () => {
    const tenant = await createTenant({ sms_per_prefix_per_hour: 3 });
    const prefix = `415${2 + Math.floor(Math.random() * 7)}`;
    for (let index = 0; index < 3; index += 1) expect((await requestCode(tenant.api_key, phoneInPrefix(prefix))).status).toBe(202);
    const limited = await requestCode(tenant.api_key, phoneInPrefix(prefix));
    await expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another prefix, and another tenant on the same prefix, are not affected.
    expect((await requestCode(tenant.api_key, phoneInPrefix(prefix === "4159" ? "4158" : "4159"))).status).toBe(202);
    const other = await createTenant({ sms_per_prefix_per_hour: 3 });
    expect((await requestCode(other.api_key, phoneInPrefix(prefix))).status).toBe(202);
    expect(await auditOf(tenant)).toContainEqual(expect.objectContaining({ type: "auth.rate_limited", details: expect.objectContaining({ limit: "prefix_per_hour" }) }));
  });

  it("stops at the tenant's daily SMS budget", async () => {
    const tenant = await createTenant({ sms_daily_budget: 2 });
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, freshPhone()), 429, "rate_limited");
    expect(await auditOf(tenant)).toContainEqual(expect.objectContaining({ type: "auth.rate_limited", details: expect.objectContaining({ limit: "daily_budget" }) }));
  });

  it("counts only sends against the budget: a request the phone's own limit or a velocity limit refuses costs nothing", async () => {
    const tenant = await createTenant({ sms_daily_budget: 2, rate_limit_per_hour: 1, sms_per_ip_per_hour: 1 });
    const phone = freshPhone();
    const ip = freshIp();
    expect((await requestCode(tenant.api_key, phone, ip)).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, phone), 429, "rate_limited");
    await expectError(await requestCode(tenant.api_key, freshPhone(), ip), 429, "rate_limited");
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, freshPhone()), 429, "rate_limited");
  });

  it("limits sends per client IP per hour", async () => {
    const tenant = await createTenant({ sms_per_ip_per_hour: 2 });
    const ip = freshIp();
    expect((await requestCode(tenant.api_key, freshPhone(), ip)).status).toBe(202);
    expect((await requestCode(tenant.api_key, freshPhone(), ip)).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, freshPhone(), ip), 429, "rate_limited");
    expect((await requestCode(tenant.api_key, freshPhone(), freshIp())).status).toBe(202);
  });
});

describe("one client, many spellings", () => {
  /** A random /64 under the documentation prefix, as four hex groups with a trailing colon pair. */
  function fresh64(): string {
    const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
    return `2001:db8:${a.toString(16)}:${b.toString(16)}:`;
  }

  it("counts IPv6 neighbours in one /64 against one per-IP SMS limit", async () => {
    const tenant = await createTenant({ sms_per_ip_per_hour: 2 });
    const net = fresh64();
    expect((await requestCode(tenant.api_key, freshPhone(), `${net}:1`)).status).toBe(202);
    expect((await requestCode(tenant.api_key, freshPhone(), `${net}abcd:1:2:3`)).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, freshPhone(), `${net}ffff:ffff:ffff:fffe`), 429, "rate_limited");
    expect(await auditOf(tenant)).toContainEqual(expect.objectContaining({ type: "auth.rate_limited", details: expect.objectContaining({ limit: "ip_per_hour" }) }));
  });

  it("counts other spellings of one address as that address: upper case, zeros written out, IPv4-mapped", async () => {
    const tenant = await createTenant({ sms_per_ip_per_hour: 2 });
    const net = fresh64().toUpperCase();
    expect((await requestCode(tenant.api_key, freshPhone(), `${net}:1`)).status).toBe(202);
    expect((await requestCode(tenant.api_key, freshPhone(), `${net.toLowerCase()}0:0:0:1`)).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, freshPhone(), `${net}0000:0:0:0001`), 429, "rate_limited");

    const v4 = freshIp();
    const other = await createTenant({ sms_per_ip_per_hour: 1 });
    expect((await requestCode(other.api_key, freshPhone(), v4)).status).toBe(202);
    await expectError(await requestCode(other.api_key, freshPhone(), `::ffff:${v4}`), 429, "rate_limited");
  });

  it("adds up the risk score's IP velocity over a /64: the third send from neighbours reaches a threshold of 15", async () => {
    // Each send from the /64 adds 20 / 4 = 5 points of IP velocity; the prefix velocity adds a point or two.
    const tenant = await createTenant({ sms_per_ip_per_hour: 4, risk_threshold: 15 });
    const net = fresh64();
    expect((await requestCode(tenant.api_key, freshPhone(), `${net}:1`)).status).toBe(202);
    expect((await requestCode(tenant.api_key, freshPhone(), `${net}:2`)).status).toBe(202);
    const refused = await requestCode(tenant.api_key, freshPhone(), `${net}:3`);
    expect((await expectError(refused, 403, "phone_not_allowed")).error.reason).toBe("risk");
    const blocked = (await auditOf(tenant)).find((event) => event.details.reason === "risk");
    expect(blocked?.details.risk_signals).toMatchObject({ ip_velocity: 15 });
  });

  it("puts requests without a readable address in one shared bucket rather than none", async () => {
    const tenant = await createTenant({ sms_per_ip_per_hour: 1 });
    expect((await requestCode(tenant.api_key, freshPhone(), "not-an-address")).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, freshPhone(), "0x7f.1"), 429, "rate_limited");
  });
});

describe("risk score", () => {
  it("refuses with reason risk when the score reaches the threshold and the tenant has no Turnstile", async () => {
    // A caller in Germany asking for a US number: the country mismatch alone is 25 points.
    const tenant = await createTenant({ risk_threshold: 25 });
    const request = new Request("http://issuer.test/api/auth/request", {
      ...jsonRequest("POST", { phone: freshPhone() }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }),
      cf: { country: "DE" },
    });
    const response = await issuerRequest(request);
    expect((await expectError(response, 403, "phone_not_allowed")).error.reason).toBe("risk");
    const blocked = (await auditOf(tenant)).find((event) => event.details.reason === "risk");
    // The first send of the hour also adds a point or two of velocity.
    expect(blocked?.details).toMatchObject({ risk_score: expect.any(Number), risk_signals: expect.objectContaining({ country_mismatch: 25 }) });
    expect(blocked?.details.risk_score).toBeGreaterThanOrEqual(25);
  });

  it("does not bother a caller whose country matches the number's", async () => {
    const tenant = await createTenant({ risk_threshold: 25 });
    const request = new Request("http://issuer.test/api/auth/request", {
      ...jsonRequest("POST", { phone: freshPhone() }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }),
      cf: { country: "US" },
    });
    expect((await issuerRequest(request)).status).toBe(202);
  });
});

describe("risk from wrong codes on a prefix", () => {
  it("refuses new sends to a prefix where codes keep failing (from the fifth send of the hour on)", async () => {
    const tenant = await createTenant({ risk_threshold: 30, sms_per_prefix_per_hour: 1000, sms_per_ip_per_hour: 1000 });
    const prefix = `415${2 + Math.floor(Math.random() * 7)}`;
    for (let index = 0; index < 4; index += 1) {
      const phone = phoneInPrefix(prefix);
      expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
      for (let attempt = 0; attempt < 2; attempt += 1) await verifyCode(tenant.api_key, phone, "000000");
    }
    const response = await requestCode(tenant.api_key, phoneInPrefix(prefix));
    expect((await expectError(response, 403, "phone_not_allowed")).error.reason).toBe("risk");
    const blocked = (await auditOf(tenant)).find((event) => event.details.reason === "risk");
    expect(blocked?.details.risk_signals).toMatchObject({ prefix_failures: 30 });
    // Another prefix of the same tenant is unaffected.
    expect((await requestCode(tenant.api_key, phoneInPrefix(prefix === "4159" ? "4158" : "4159"))).status).toBe(202);
  });
});

describe("tenant settings for abuse controls", () => {
  it("validates the new settings, Turnstile's expected hostnames and action included, and never shows the Turnstile secret", async () => {
    await expectError(await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "x", slug: `x-${crypto.randomUUID().slice(0, 8)}`, settings: { risk_threshold: 0 } })), 400, "invalid_request");
    await expectError(await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "x", slug: `x-${crypto.randomUUID().slice(0, 8)}`, settings: { sms_daily_budget: -1 } })), 400, "invalid_request");
    const tenant = await createTenant({ turnstile: { site_key: "0x4AAAAAAA-site", secret_key: "0x4AAAAAAA-secret-value" } });
    expect(JSON.stringify(tenant)).not.toContain("secret-value");
    expect(tenant.settings.turnstile).toEqual({ site_key: "0x4AAAAAAA-site", secret_key_set: true });
    const checked = await createTenant({ turnstile: { site_key: "0x4AAAAAAA-site", secret_key: "0x4AAAAAAA-secret-value", hostnames: ["App.Example.com"], action: "phone_sign_in" } });
    expect(checked.settings.turnstile).toEqual({ site_key: "0x4AAAAAAA-site", hostnames: ["app.example.com"], action: "phone_sign_in", secret_key_set: true });
    for (const turnstile of [{ hostnames: ["https://app.example.com"] }, { hostnames: [] }, { action: "has space" }]) {
      const slug = `x-${crypto.randomUUID().slice(0, 8)}`;
      const refused = await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "x", slug, settings: { turnstile: { site_key: "s", secret_key: "k", ...turnstile } } }));
      await expectError(refused, 400, "invalid_request");
    }
    const fetched = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`);
    expect(await fetched.text()).not.toContain("secret-value");
  });
});

describe("Turnstile challenge above the risk threshold", () => {
  const siteKey = "0x4AAAAAAAportcullis-test-site";

  /** A caller in Germany asking for a US number: over a threshold of 25. */
  function riskyRequest(tenant: TenantCredentials, body: Record<string, unknown>): Promise<Response> {
    return issuerRequest(
      new Request("http://issuer.test/api/auth/request", {
        ...jsonRequest("POST", body, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }),
        cf: { country: "DE" },
      }),
    );
  }

  /** A token as the widget would hand the browser, solved on `claims.hostname` (default localhost) for `claims.action`. */
  async function issueToken(claims?: { hostname?: string; action?: string }): Promise<string> {
    const init = claims === undefined ? { method: "POST" } : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(claims) };
    const response = await fetch(`${inject("smsSandboxUrl")}/turnstile/__issue`, init);
    expect(response.status).toBe(200);
    return (await response.json<{ token: string }>()).token;
  }

  async function challengedTenant(secret = inject("turnstileSecretKey"), expected: { hostnames?: string[]; action?: string } = {}): Promise<TenantCredentials> {
    return createTenant({ risk_threshold: 25, turnstile: { site_key: siteKey, secret_key: secret, ...expected } });
  }

  it("requires a challenge: 403 challenge_required with the tenant's site key, and nothing is sent", async () => {
    const tenant = await challengedTenant();
    const phone = freshPhone();
    const body = await expectError(await riskyRequest(tenant, { phone }), 403, "phone_not_allowed");
    expect(body.error).toMatchObject({ reason: "challenge_required", turnstile_site_key: siteKey });
    expect(await inbox(phone)).toEqual([]);
  });

  it("sends once the challenge is passed", async () => {
    const tenant = await challengedTenant();
    const phone = freshPhone();
    expect((await riskyRequest(tenant, { phone, turnstile_token: await issueToken() })).status).toBe(202);
    expect(await inbox(phone)).toHaveLength(1);
    expect(await auditOf(tenant)).toContainEqual(expect.objectContaining({ type: "auth.challenge_passed" }));
  });

  it("refuses a failed challenge: a made-up token, or a token used twice", async () => {
    const tenant = await challengedTenant();
    expect((await expectError(await riskyRequest(tenant, { phone: freshPhone(), turnstile_token: "made-up" }), 403, "phone_not_allowed")).error.reason).toBe("challenge_failed");
    const token = await issueToken();
    expect((await riskyRequest(tenant, { phone: freshPhone(), turnstile_token: token })).status).toBe(202);
    expect((await expectError(await riskyRequest(tenant, { phone: freshPhone(), turnstile_token: token }), 403, "phone_not_allowed")).error.reason).toBe("challenge_failed");
  });

  it("refuses a genuine token solved on another site than the tenant's hostnames", async () => {
    const tenant = await challengedTenant(undefined, { hostnames: ["app.example.com"] });
    const phone = freshPhone();
    const body = await expectError(await riskyRequest(tenant, { phone, turnstile_token: await issueToken({ hostname: "attacker.example" }) }), 403, "phone_not_allowed");
    expect(body.error.reason).toBe("challenge_failed");
    expect(await inbox(phone)).toEqual([]);
    expect((await riskyRequest(tenant, { phone, turnstile_token: await issueToken({ hostname: "APP.example.com" }) })).status).toBe(202);
  });

  it("refuses a genuine token solved for another action than the tenant's", async () => {
    const tenant = await challengedTenant(undefined, { action: "phone_sign_in" });
    const phone = freshPhone();
    const body = await expectError(await riskyRequest(tenant, { phone, turnstile_token: await issueToken({ action: "newsletter" }) }), 403, "phone_not_allowed");
    expect(body.error.reason).toBe("challenge_failed");
    expect(await auditOf(tenant)).toContainEqual(expect.objectContaining({ details: expect.objectContaining({ turnstile_errors: ["action-mismatch"] }) }));
    expect((await riskyRequest(tenant, { phone, turnstile_token: await issueToken({ action: "phone_sign_in" }) })).status).toBe(202);
  });

  it("answers 503 when the tenant's Turnstile secret is refused by siteverify, rather than blame the user", async () => {
    const tenant = await challengedTenant("0x4AAAAAAAnot-the-right-secret");
    const response = await riskyRequest(tenant, { phone: freshPhone(), turnstile_token: await issueToken() });
    await expectError(response, 503, "service_unavailable");
  });
});
