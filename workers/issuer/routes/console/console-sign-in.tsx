import type { Hono } from "hono";
import { z } from "zod";
import { resource, type AppEnv } from "../../../../shared/http/create-app";
import type { IssuerBindings } from "../../app";
import { ConsoleLoginPage } from "../../pages/console/console-login-page";
import { CONSOLE } from "../../pages/console/console-strings";
import { endConsoleSession } from "../../services/console/console-session";
import { signInToConsole } from "../../services/console/console-sign-in";
import { csrfTokenFor, type PageContext } from "../hosted-page";
import { clearConsoleCookie, consoleForm, consolePage, consoleRedirect, consoleSessionDeps, messagePage, operatorOf, setConsoleCookie, CONSOLE_LOGIN_PATH } from "./console-page";

const csrf = z.string().max(128);
/** Longer than any ADMIN_TOKEN worth having; what is longer is refused before it is compared or counted. */
export const consoleLoginForm = z.strictObject({ csrf, token: z.string().min(1).max(512) });
export const consoleLogoutForm = z.strictObject({ csrf });

/** Where a signed-in operator lands; the dashboard will be `/console` itself. */
const HOME = "/console";

/**
 * `/console`, its sign-in with the deployment's ADMIN_TOKEN, and its sign-out. The sign-in
 * form is CSRF-protected like every console form, so another site cannot sign a browser in
 * to a session of its choosing (login CSRF).
 */
export function consoleSignInRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, CONSOLE_LOGIN_PATH, {
    GET: async (c) => {
      if ((await operatorOf(c)) !== null) return consoleRedirect(c, HOME);
      return loginPage(c, null, 200);
    },
    POST: async (c) => {
      const form = await consoleForm(c, consoleLoginForm);
      if (!form.ok) return form.error;
      const signedIn = await signInToConsole(consoleSessionDeps(c.get("deps")), c.get("audit"), c.get("context"), form.value.token, new Date());
      if (signedIn.ok) {
        setConsoleCookie(c, signedIn.value.cookieValue, signedIn.value.maxAgeSeconds);
        return consoleRedirect(c, HOME);
      }
      const failure = signedIn.error;
      if (failure.reason === "too_many_attempts") {
        c.header("Retry-After", String(failure.retryAfterSeconds ?? 60));
        return loginPage(c, CONSOLE.signIn.throttled(Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60))), 429);
      }
      return loginPage(c, CONSOLE.signIn.wrongToken, 401);
    },
  });

  resource(app, "/console/logout", {
    POST: async (c) => {
      const form = await consoleForm(c, consoleLogoutForm);
      if (!form.ok) return form.error;
      // A session that already ended (idle, expired) leaves only its cookie to clear.
      const operator = await operatorOf(c);
      if (operator !== null) await endConsoleSession(c.get("deps"), c.get("audit"), operator.session, new Date());
      clearConsoleCookie(c);
      return messagePage(c, 200, CONSOLE.signedOut.title, CONSOLE.signedOut.message, null, { href: CONSOLE_LOGIN_PATH, label: CONSOLE.signedOut.again });
    },
  });
}

async function loginPage(c: PageContext, error: string | null, status: 200 | 401 | 429): Promise<Response> {
  const csrfToken = await csrfTokenFor(c);
  return consolePage(c, (nonce) => <ConsoleLoginPage nonce={nonce} csrf={csrfToken} error={error} />, status);
}
