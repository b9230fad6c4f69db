import type { Answer } from "../operation";

const PAGE: Readonly<Record<number, string>> = {
  200: "The page.",
  302: "The browser is sent on.",
  303: "The browser is sent on (after a form, or to sign in first).",
  400: "A page that says what was wrong with the request (never a redirect).",
  401: "A page that says the sign-in failed or must be repeated.",
  403: "A page that says this is not allowed (a disabled account, a method the tenant turned off, a failed CSRF check).",
  404: "A page that says there is no such thing.",
  409: "A page that says the change conflicts with another account.",
  413: "A page that says the form was too large.",
  415: "A page that says the form was not sent as a form.",
  429: "A page that says to wait before trying again.",
  502: "A page that says a provider could not be reached.",
  503: "A page that says a dependency is down; try again shortly.",
};

/** The answers of a browser-facing route: HTML pages, and redirects for 302/303. */
export function htmlAnswers(...statuses: readonly number[]): Record<number, Answer> {
  return Object.fromEntries(
    statuses.map((status) => [status, status === 302 || status === 303 ? { description: PAGE[status] ?? "", redirect: true } : { description: PAGE[status] ?? "", html: true }]),
  );
}

/** What a page answers to a GET: itself, a redirect, or a page explaining a failure. */
export const PAGE_GET_STATUSES = [200, 303, 400, 401, 403, 404, 409, 429, 502, 503] as const;
/** What a page's form post answers: as a GET, plus the refusals of a malformed form. */
export const PAGE_POST_STATUSES = [200, 303, 400, 401, 403, 404, 409, 413, 415, 429, 502, 503] as const;
