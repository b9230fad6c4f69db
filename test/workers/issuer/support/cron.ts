import { env as defaultEnv } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../../../workers/issuer/index";

/** The issuer's cron trigger, fired as the runtime fires it, waiting for all its work. */
export async function runCron(env: Env = defaultEnv): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}
