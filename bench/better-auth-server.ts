/**
 * The comparison baseline: better-auth with its phoneNumber plugin on Node, served by node:http on
 * loopback, storing in PostgreSQL through a pg Pool. Run as its own process by bench/issuer.ts, so
 * that, like the issuer in workerd, it has a process of its own. Configuration comes as one JSON
 * argument (BetterAuthServerConfig); it prints `listening <port>` once ready.
 *
 * Its codes go to the same SMS sandbox through the same Twilio Messages API call the issuer
 * makes, awaited as the issuer awaits its own, so both sides pay for one SMS send per sign-in.
 */
import { createServer } from "node:http";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { phoneNumber } from "better-auth/plugins";
import pg from "pg";

export interface BetterAuthServerConfig {
  readonly postgresUrl: string;
  /** As many as the Neon stand-in keeps for the issuer. */
  readonly poolSize: number;
  readonly twilio: { readonly apiBase: string; readonly accountSid: string; readonly authToken: string; readonly messagingServiceSid: string };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "") as BetterAuthServerConfig;
  const pool = new pg.Pool({ connectionString: config.postgresUrl, max: config.poolSize });
  const twilioUrl = `${config.twilio.apiBase}/2010-04-01/Accounts/${encodeURIComponent(config.twilio.accountSid)}/Messages.json`;
  const authorization = `Basic ${btoa(`${config.twilio.accountSid}:${config.twilio.authToken}`)}`;

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");

  const options = {
    database: pool,
    baseURL: `http://127.0.0.1:${address.port}`,
    secret: "bench-only-secret-for-better-auth-0123456789abcdef",
    // The issuer's own limits are raised out of the way for the benchmark; these are switched off alike.
    rateLimit: { enabled: false },
    logger: { disabled: true },
    telemetry: { enabled: false },
    plugins: [
      phoneNumber({
        sendOTP: async ({ phoneNumber: to, code }) => {
          const body = new URLSearchParams({ To: to, MessagingServiceSid: config.twilio.messagingServiceSid, Body: `Your verification code is: ${code}. It expires in 5 minutes.` });
          const response = await fetch(twilioUrl, { method: "POST", headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" }, body });
          await response.arrayBuffer();
          if (response.status !== 201 && response.status !== 200) throw new Error(`the SMS sandbox answered ${response.status}`);
        },
        signUpOnVerification: { getTempEmail: (phone) => `${phone.slice(1)}@phone.invalid` },
      }),
    ],
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const handle = toNodeHandler(betterAuth(options));
  server.on("request", (request, response) => void handle(request, response));
  process.on("SIGTERM", () => {
    server.close();
    server.closeAllConnections();
    void pool.end();
  });
  console.log(`listening ${address.port}`);
}

main().catch((error: unknown) => {
  console.error("[better-auth] failed:", error instanceof Error ? error.stack : error);
  process.exit(1);
});
