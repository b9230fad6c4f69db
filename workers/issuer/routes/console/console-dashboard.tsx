import type { Hono } from "hono";
import { z } from "zod";
import { isId } from "../../../../shared/crypto/ids";
import { resource, type AppEnv } from "../../../../shared/http/create-app";
import type { IssuerBindings } from "../../app";
import { DashboardPage } from "../../pages/console/dashboard-page";
import { DASHBOARD_RANGES, tenantDashboard, type DashboardRange } from "../../services/console/dashboard";
import { consolePage, failurePage, queryOf, signedInPage } from "./console-page";

/** The tenants offered in the picker: the newest ones; any other is reachable by its id in the URL. */
const PICKER_TENANTS = 100;

export const dashboardQuery = z.strictObject({
  tenant: z.string().max(64).refine((value) => isId("tn", value), "must be a tenant id (tn_…).").optional(),
  range: z.enum(Object.keys(DASHBOARD_RANGES) as [DashboardRange, ...DashboardRange[]]).optional(),
});

/** `/console`: a tenant's activity as charts, drawn on the server. Without a tenant, the oldest of the newest hundred (in a fresh local stack, the demo tenant). */
export function consoleDashboardRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/console", {
    GET: signedInPage(async (c, operator) => {
      const query = queryOf(c, dashboardQuery);
      if (!query.ok) return failurePage(c, query.error, operator.signedIn);
      const deps = c.get("deps");
      const { tenants } = await deps.tenantDirectory.list({ limit: PICKER_TENANTS, after: null });
      const tenantId = query.value.tenant ?? tenants.at(-1)?.id;
      const view = tenantId === undefined ? null : await tenantDashboard({ tenants: deps.tenants, activity: deps.activityStats, smsStats: deps.smsStats, now: () => new Date() }, tenantId, query.value.range ?? "24h");
      if (tenantId !== undefined && view === null) return failurePage(c, { reason: "not_found" }, operator.signedIn);
      const picker = tenants.map((tenant) => ({ id: tenant.id, name: tenant.name }));
      if (view !== null && !picker.some((tenant) => tenant.id === view.tenant.id)) picker.push(view.tenant);
      return consolePage(c, (nonce) => <DashboardPage nonce={nonce} signedIn={operator.signedIn} tenants={picker} view={view} />);
    }),
  });
}
