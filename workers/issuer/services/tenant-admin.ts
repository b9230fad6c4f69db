import { sha256Hex } from "../../../shared/crypto/hashing";
import { sealSecret } from "../../../shared/crypto/key-encryption";
import { newId } from "../../../shared/crypto/ids";
import { newApiKey, newSecretKey } from "../../../shared/crypto/tenant-keys";
import { misfitPasskeyOrigin, PASSKEY_ORIGIN_RULE } from "../../../shared/domain/passkey-relying-party";
import { resolveTenantSettings, type TenantSettings, type TenantSettingsPatch } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { NewKeyPair, TenantRecord, TenantRepository } from "../../../shared/ports/tenant-repository";
import type { AuditRecorder } from "./audit-recorder";

/** Settings as the admin API shows them: the Turnstile secret is write-only. */
export type SettingsView = Omit<TenantSettings, "turnstile"> & { readonly turnstile: { readonly site_key: string; readonly secret_key_set: true } | null };

export interface TenantView {
  readonly tenant_id: string;
  readonly name: string;
  readonly slug: string;
  readonly settings: SettingsView;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface IssuedKeyPair {
  readonly key_id: string;
  readonly api_key: string;
  readonly secret_key: string;
}

export interface TenantAdminDeps {
  readonly tenants: TenantRepository;
  readonly defaultAudience: string;
  /** Seals the tenant's Turnstile secret before it is stored. */
  readonly keyEncryptionSecret: string;
}

export async function createTenant(
  deps: TenantAdminDeps,
  audit: AuditRecorder,
  input: { name: string; slug: string; settings: TenantSettingsPatch },
): Promise<Result<TenantView & IssuedKeyPair, Failure>> {
  const misfit = passkeyOriginRefusal(input.settings);
  if (misfit) return err(misfit);
  const id = newId("tn");
  const { pair, stored } = await issueKeyPair();
  const settings = await sealSettings(deps, id, input.settings);
  const outcome = await deps.tenants.create({ id, name: input.name, slug: input.slug, settings }, stored);
  if (outcome === "slug_taken") return err({ reason: "slug_taken" });
  audit.record("tenant.created", "success", { tenantId: id, details: { slug: input.slug, key_id: pair.key_id } });
  const now = new Date();
  return ok({ ...view({ id, name: input.name, slug: input.slug, settings, createdAt: now, updatedAt: now }, deps.defaultAudience), ...pair });
}

export async function getTenant(deps: TenantAdminDeps, id: string): Promise<Result<TenantView, Failure>> {
  const tenant = await deps.tenants.find(id);
  return tenant ? ok(view(tenant, deps.defaultAudience)) : err({ reason: "not_found", message: "No such tenant." });
}

/** Settings are merged into what the tenant already set; each key was validated by the route's schema. */
export async function updateTenant(
  deps: TenantAdminDeps,
  audit: AuditRecorder,
  id: string,
  changes: { name?: string; settings?: TenantSettingsPatch },
): Promise<Result<TenantView, Failure>> {
  if (changes.settings?.passkey_rp_id !== undefined || changes.settings?.passkey_origins !== undefined) {
    // Checked against what the tenant will hold after the merge; the passkey code also drops a misfit at use.
    const current = await deps.tenants.find(id);
    if (!current) return err({ reason: "not_found", message: "No such tenant." });
    const misfit = passkeyOriginRefusal({ ...current.settings, ...changes.settings });
    if (misfit) return err(misfit);
  }
  const updated = await deps.tenants.update(id, {
    ...(changes.name === undefined ? {} : { name: changes.name }),
    ...(changes.settings === undefined ? {} : { settingsPatch: await sealSettings(deps, id, changes.settings) }),
  });
  if (!updated) return err({ reason: "not_found", message: "No such tenant." });
  audit.record("tenant.updated", "success", { tenantId: id, details: { fields: Object.keys(changes), settings: Object.keys(changes.settings ?? {}) } });
  return ok(view(updated, deps.defaultAudience));
}

export async function addTenantKeyPair(deps: TenantAdminDeps, audit: AuditRecorder, tenantId: string): Promise<Result<IssuedKeyPair, Failure>> {
  const { pair, stored } = await issueKeyPair();
  if (!(await deps.tenants.addKeyPair(tenantId, stored))) return err({ reason: "not_found", message: "No such tenant." });
  audit.record("tenant.key_created", "success", { tenantId, details: { key_id: pair.key_id } });
  return ok(pair);
}

export async function deleteTenantKeyPair(deps: TenantAdminDeps, audit: AuditRecorder, tenantId: string, keyId: string): Promise<Result<null, Failure>> {
  if (!(await deps.tenants.deleteKeyPair(tenantId, keyId))) return err({ reason: "not_found", message: "No such key for this tenant." });
  audit.record("tenant.key_deleted", "success", { tenantId, details: { key_id: keyId } });
  return ok(null);
}

export function view(tenant: TenantRecord, defaultAudience: string): TenantView {
  const settings = resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience });
  return {
    tenant_id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    settings: { ...settings, turnstile: settings.turnstile && withoutSecret(settings.turnstile) },
    created_at: tenant.createdAt.toISOString(),
    updated_at: tenant.updatedAt.toISOString(),
  };
}

/** A new key pair: the plaintext goes to the caller once; only hashes are stored. */
async function issueKeyPair(): Promise<{ pair: IssuedKeyPair; stored: NewKeyPair }> {
  const id = newId("key");
  const apiKey = newApiKey();
  const secretKey = newSecretKey();
  const [apiKeyHash, secretKeyHash] = await Promise.all([sha256Hex(apiKey), sha256Hex(secretKey)]);
  return { pair: { key_id: id, api_key: apiKey, secret_key: secretKey }, stored: { id, apiKeyHash, secretKeyHash } };
}

/** The Turnstile secret is stored sealed under KEY_ENCRYPTION_SECRET, bound to the tenant. */
function passkeyOriginRefusal(settings: TenantSettingsPatch): Failure | null {
  const index = misfitPasskeyOrigin(settings);
  return index === null ? null : { reason: "invalid_request", field: `settings.passkey_origins.${index}`, message: `settings.passkey_origins.${index} ${PASSKEY_ORIGIN_RULE}` };
}

async function sealSettings(deps: TenantAdminDeps, tenantId: string, settings: TenantSettingsPatch): Promise<TenantSettingsPatch> {
  if (!settings.turnstile) return settings;
  const sealed = await sealSecret(deps.keyEncryptionSecret, "turnstile-secret", settings.turnstile.secret_key, turnstileSecretContext(tenantId));
  return { ...settings, turnstile: { ...settings.turnstile, secret_key: sealed } };
}

/** The Turnstile settings as shown: everything but the secret, which is write-only. */
function withoutSecret<T extends { secret_key: string }>(turnstile: T): Omit<T, "secret_key"> & { secret_key_set: true } {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropped on purpose
  const { secret_key, ...shown } = turnstile;
  return { ...shown, secret_key_set: true };
}

export function turnstileSecretContext(tenantId: string): string {
  return `turnstile:${tenantId}`;
}
