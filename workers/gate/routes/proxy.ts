import type { Hono } from "hono";
import type { AppEnv } from "../../../shared/http/create-app";
import type { GateBindings } from "../app";
import { handleGatedRequest } from "../services/gate-handler";

/** Every request outside `/__gate/*` goes through the gate to the origin. */
export function proxyRoutes(app: Hono<AppEnv<GateBindings>>): void {
  app.all("*", (c) =>
    handleGatedRequest(c.get("deps"), {
      request: c.req.raw,
      requestId: c.get("requestId"),
      waitUntil: (work) => c.executionCtx.waitUntil(work),
    }),
  );
}
