import { pageCookies } from "../page-cookies";

/**
 * The console's session cookie. Named by the hosted pages' rule (the `__Host-` prefix over
 * https, so no sibling host can set or read it), but its own cookie: a hosted-page sign-in is
 * a tenant's user, never the operator.
 */
export function consoleCookie(issuerUrl: string): { readonly name: string; readonly secure: boolean } {
  const { secure } = pageCookies(issuerUrl);
  return { name: `${secure ? "__Host-" : ""}portcullis_console`, secure };
}
