import type { Context } from "hono";
import type { AppEnv } from "../../../shared/http/create-app";
import type { IssuerBindings } from "../app";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hono types middleware inputs as `any`; these helpers read only headers and deps
type AuthContext = Context<AppEnv<IssuerBindings>, string, any>;

/** How long a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;
// DELETE: a browser app signs out one of the user's devices (`DELETE /api/auth/sessions/{id}`).
const ALLOWED_METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS = "Content-Type, Authorization, X-Api-Key, X-Request-Id";
const EXPOSED_HEADERS = "Retry-After, X-Request-Id, WWW-Authenticate";

/**
 * A browser origin may call /api/auth/* when the deployment's CORS_ORIGINS or
 * the tenant's `cors_origins` lists it. Preflights carry no API key, and a
 * request can fail before its tenant is known, so those are answered for an
 * origin that any tenant allows.
 */
export async function preflight(c: AuthContext): Promise<Response> {
  const origin = c.req.header("Origin");
  const headers = new Headers({ Vary: "Origin" });
  if (origin && (await originAllowed(c, origin))) {
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Allow-Methods", ALLOWED_METHODS);
    headers.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    headers.set("Access-Control-Max-Age", String(CORS_MAX_AGE_SECONDS));
  }
  return new Response(null, { status: 204, headers });
}

export async function corsHeaders(c: AuthContext): Promise<Record<string, string>> {
  const origin = c.req.header("Origin");
  if (!origin || !(await originAllowed(c, origin))) return { Vary: "Origin" };
  return { Vary: "Origin", "Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSED_HEADERS };
}

async function originAllowed(c: AuthContext, origin: string): Promise<boolean> {
  if (origin.length > 200) return false;
  const deps = c.get("deps");
  if (deps.config.corsOrigins.includes(origin)) return true;
  const tenantOrigins = c.get("tenantCorsOrigins");
  if (tenantOrigins !== undefined) return tenantOrigins.includes(origin);
  try {
    return await deps.tenants.anyAllowsOrigin(origin);
  } catch {
    // Without the database the request fails anyway; CORS must not turn that into a second error.
    return false;
  }
}
