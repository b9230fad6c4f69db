import type { Hono } from "hono";
import { isId } from "../../../shared/crypto/ids";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { expectNoBody } from "../../../shared/http/json-body";
import { noContent, respond } from "../../../shared/http/respond";
import { err } from "../../../shared/errors/result";
import type { IssuerBindings } from "../app";
import { listDeviceSessions, revokeDeviceSession } from "../services/device-sessions";
import { withAccessToken } from "./auth-context";

/** "Signed in on these devices": the user's own sessions, by access token. */
export function sessionRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/auth/sessions", {
    GET: (c) => withAccessToken(c, async (auth) => respond(await listDeviceSessions(c.get("deps"), auth, new Date()))),
  });

  resource(app, "/api/auth/sessions/:id", {
    DELETE: (c) =>
      withAccessToken(c, async (auth) => {
        const body = await expectNoBody(c);
        if (!body.ok) return respond(body);
        // A malformed id is not found, like any id that is not one of the user's sessions.
        const id = c.req.param("id") ?? "";
        if (!isId("ses", id)) return respond(err({ reason: "not_found", message: "No such session." }));
        return noContent(await revokeDeviceSession(c.get("deps"), c.get("audit"), auth, id));
      }),
  });
}
