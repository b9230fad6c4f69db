/**
 * Global setup of the e2e project: ONE real local stack for all its files, both workers under
 * `wrangler dev` in front of the stand-ins (test/support/local-stack.ts), as `npm run dev` runs
 * them. With POSTGRES_URL / REDIS_URL set it uses a throwaway database and Redis database 14.
 *
 * The issuer's URL is `http://localhost:<port>`, not `http://127.0.0.1:<port>`: WebAuthn refuses
 * an IP address as RP id, so the browser suite's passkeys need a host name, and the hosted pages'
 * cookies and CSRF `Origin` check follow the issuer URL. The workers still listen on 127.0.0.1,
 * where `localhost` resolves.
 */
import type { TestProject } from "vitest/node";
import { startLocalStack } from "./local-stack";
import "../e2e/support/e2e-context";

/** The Redis database on REDIS_URL; 11 and 12 are the workerd projects', 13 the soak's. */
const E2E_REDIS_DATABASE = 14;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalStack({ label: "e2e", redisDatabase: E2E_REDIS_DATABASE, issuerHost: "localhost" });
  project.provide("e2eStack", {
    issuerUrl: stack.urls.issuer,
    gateUrl: stack.urls.gate,
    sandboxUrl: stack.standIns.sms.url,
    originUrl: stack.standIns.origin.url,
    identityProviderUrl: stack.standIns.identityProvider.url,
    adminToken: stack.secrets.ADMIN_TOKEN,
    wrangler: stack.wrangler,
    gateVars: stack.gateVars,
  });
  return () => stack.close();
}
