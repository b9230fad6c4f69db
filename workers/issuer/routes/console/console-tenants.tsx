import type { Hono } from "hono";
import { z } from "zod";
import type { Failure } from "../../../../shared/errors/failure";
import { resource, type AppEnv } from "../../../../shared/http/create-app";
import type { IssuerBindings } from "../../app";
import type { IssuerDeps } from "../../deps";
import { ConfirmPage } from "../../pages/console/confirm-page";
import { CONSOLE } from "../../pages/console/console-strings";
import { TenantPage, type TenantPageProps } from "../../pages/console/tenant-page";
import { TenantsPage } from "../../pages/console/tenants-page";
import { WebhookPage } from "../../pages/console/webhook-page";
import { listTenants, tenantOverview, webhookOverview, type ConsoleTenantDeps } from "../../services/console/console-tenants";
import { addTenantKeyPair, deleteTenantKeyPair, updateTenant } from "../../services/tenant-admin";
import { updateTenantSchema } from "../admin";
import type { PageContext } from "../hosted-page";
import { consolePage, consoleRedirect, failurePage, pathId, queryOf, signedInAction, signedInPage, type Operator } from "./console-page";

const csrf = z.string().max(128);
const cursor = z.string().max(200).optional();
export const tenantsQuery = z.strictObject({ cursor });
export const tenantQuery = z.strictObject({ done: z.enum(["renamed", "key_deleted"]).optional() });
export const webhookQuery = z.strictObject({ cursor });
export const tenantNameForm = z.strictObject({ csrf, name: z.string().max(1000) });
export const keyCreateForm = z.strictObject({ csrf });
/** `confirm=yes` comes only from the confirmation page's button. */
export const keyDeleteForm = z.strictObject({ csrf, confirm: z.literal("yes") });

function tenantDeps(deps: IssuerDeps): ConsoleTenantDeps {
  const tenantAdmin = { tenants: deps.tenants, defaultAudience: deps.config.defaultAudience, keyEncryptionSecret: deps.config.keyEncryptionSecret };
  return {
    directory: deps.tenantDirectory,
    tenantAdmin,
    clients: deps,
    connections: { tenants: deps.tenants, connections: deps.connections, keyEncryptionSecret: deps.config.keyEncryptionSecret, issuerUrl: deps.config.issuerUrl },
    // The console only reads webhooks here: nothing is reopened, so nothing needs dispatching.
    webhooks: { tenants: deps.tenants, webhooks: deps.webhooks, keyEncryptionSecret: deps.config.keyEncryptionSecret, allowLoopbackHttp: deps.config.webhooks.allowLoopbackHttp, dispatchSoon: () => undefined },
  };
}

const NOT_FOUND: Failure = { reason: "not_found" };

/** The tenants: a list, each tenant's page (settings, keys, OAuth clients, connections, webhooks), and the operator's changes to a tenant. */
export function consoleTenantRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/console/tenants", {
    GET: signedInPage(async (c, operator) => {
      const query = queryOf(c, tenantsQuery);
      if (!query.ok) return failurePage(c, query.error, operator.signedIn);
      const page = await listTenants(tenantDeps(c.get("deps")), query.value.cursor ?? null);
      if (!page.ok) return failurePage(c, page.error, operator.signedIn);
      return consolePage(c, (nonce) => <TenantsPage nonce={nonce} signedIn={operator.signedIn} tenants={page.value.tenants} nextCursor={page.value.next_cursor} />);
    }),
  });

  resource(app, "/console/tenants/:id", {
    GET: signedInPage(async (c, operator) => {
      const id = pathId("tn", c.req.param("id"));
      if (id === null) return failurePage(c, NOT_FOUND, operator.signedIn);
      const query = queryOf(c, tenantQuery);
      if (!query.ok) return failurePage(c, query.error, operator.signedIn);
      const done = query.value.done;
      return tenantPage(c, operator, id, done === undefined ? {} : { notice: CONSOLE.done[done] });
    }),
  });

  resource(app, "/console/tenants/:id/name", {
    POST: signedInAction(tenantNameForm, async (c, operator, form) => {
      const id = pathId("tn", c.req.param("id"));
      if (id === null) return failurePage(c, NOT_FOUND, operator.signedIn);
      // The admin API's own rule for a tenant's name (trimmed, 1 to 100 characters, no control characters).
      const name = updateTenantSchema.shape.name.safeParse(form.name);
      if (!name.success || name.data === undefined) {
        return tenantPage(c, operator, id, { nameError: { message: nameRefusal(name.error?.issues[0]), value: form.name } }, 400);
      }
      const updated = await updateTenant(tenantDeps(c.get("deps")).tenantAdmin, c.get("audit"), id, { name: name.data });
      if (!updated.ok) return failurePage(c, updated.error, operator.signedIn);
      return consoleRedirect(c, `/console/tenants/${id}?done=renamed`);
    }),
  });

  resource(app, "/console/tenants/:id/keys", {
    POST: signedInAction(keyCreateForm, async (c, operator) => {
      const id = pathId("tn", c.req.param("id"));
      if (id === null) return failurePage(c, NOT_FOUND, operator.signedIn);
      const created = await addTenantKeyPair(tenantDeps(c.get("deps")).tenantAdmin, c.get("audit"), id);
      if (!created.ok) return failurePage(c, created.error, operator.signedIn);
      // Shown on this answer only (no-store): the keys are kept as hashes from here on.
      return tenantPage(c, operator, id, { newKey: created.value });
    }),
  });

  resource(app, "/console/tenants/:id/keys/:keyId/delete", {
    GET: signedInPage(async (c, operator) => {
      const key = await existingKey(c);
      if (key === null) return failurePage(c, NOT_FOUND, operator.signedIn);
      const t = CONSOLE.confirmDeleteKey;
      return consolePage(c, (nonce) => (
        <ConfirmPage title={t.title(key.keyId)} message={t.message} nonce={nonce} signedIn={operator.signedIn} section="tenants" action={`/console/tenants/${key.tenantId}/keys/${key.keyId}/delete`} confirmLabel={t.confirm} cancelHref={`/console/tenants/${key.tenantId}`} />
      ));
    }),
    POST: signedInAction(keyDeleteForm, async (c, operator) => {
      const tenantId = pathId("tn", c.req.param("id"));
      const keyId = pathId("key", c.req.param("keyId"));
      if (tenantId === null || keyId === null) return failurePage(c, NOT_FOUND, operator.signedIn);
      const deleted = await deleteTenantKeyPair(tenantDeps(c.get("deps")).tenantAdmin, c.get("audit"), tenantId, keyId);
      if (!deleted.ok) return failurePage(c, deleted.error, operator.signedIn);
      return consoleRedirect(c, `/console/tenants/${tenantId}?done=key_deleted`);
    }),
  });

  resource(app, "/console/tenants/:id/webhooks/:webhookId", {
    GET: signedInPage(async (c, operator) => {
      const tenantId = pathId("tn", c.req.param("id"));
      const webhookId = pathId("whk", c.req.param("webhookId"));
      if (tenantId === null || webhookId === null) return failurePage(c, NOT_FOUND, operator.signedIn);
      const query = queryOf(c, webhookQuery);
      if (!query.ok) return failurePage(c, query.error, operator.signedIn);
      const overview = await webhookOverview(tenantDeps(c.get("deps")), tenantId, webhookId, query.value.cursor ?? null);
      if (!overview.ok) return failurePage(c, overview.error, operator.signedIn);
      const { webhook, deliveries, next_cursor } = overview.value;
      return consolePage(c, (nonce) => <WebhookPage nonce={nonce} signedIn={operator.signedIn} webhook={webhook} deliveries={deliveries} nextCursor={next_cursor} />);
    }),
  });
}

async function tenantPage(c: PageContext, operator: Operator, tenantId: string, props: Pick<TenantPageProps, "notice" | "newKey" | "nameError">, status: 200 | 400 = 200): Promise<Response> {
  const overview = await tenantOverview(tenantDeps(c.get("deps")), tenantId);
  if (!overview.ok) return failurePage(c, overview.error, operator.signedIn);
  return consolePage(c, (nonce) => <TenantPage nonce={nonce} signedIn={operator.signedIn} overview={overview.value} {...props} />, status);
}

/** Why a name was refused, in words (zod's own are for developers). */
function nameRefusal(issue: z.core.$ZodIssue | undefined): string {
  if (issue?.code === "too_small") return "The name must not be empty.";
  if (issue?.code === "too_big") return "The name must be at most 100 characters.";
  return `The name ${issue?.message ?? "is not valid."}`;
}

/** The key a confirmation page is about, if the tenant has it. */
async function existingKey(c: PageContext): Promise<{ readonly tenantId: string; readonly keyId: string } | null> {
  const tenantId = pathId("tn", c.req.param("id"));
  const keyId = pathId("key", c.req.param("keyId"));
  if (tenantId === null || keyId === null) return null;
  const keys = await c.get("deps").tenantDirectory.keys(tenantId);
  return keys.some((key) => key.id === keyId) ? { tenantId, keyId } : null;
}
