import { escapeHtml } from "../../../shared/domain/email-text";

/**
 * The page an emailed link lands on. A GET only shows a form; the form's POST does the work,
 * so a mail scanner that follows links spends nothing. No script, no remote resource.
 */

/** What the form on a live link's page does. */
export type LinkForm =
  | { readonly kind: "sign_in"; readonly branding: string; readonly token: string; readonly returnOrigin: string | null }
  | { readonly kind: "verify_email" | "change_email"; readonly branding: string; readonly token: string }
  | { readonly kind: "reset_password"; readonly branding: string; readonly token: string; readonly minLength: number };

export function linkFormPage(form: LinkForm): Response {
  const brand = escapeHtml(form.branding);
  const token = `<input type="hidden" name="token" value="${escapeHtml(form.token)}">`;
  switch (form.kind) {
    case "sign_in":
      // A form POST that is redirected elsewhere is held to form-action too, so the app's origin is allowed.
      return page(`Sign in to ${brand}`, [`<form method="post" action="/auth/link">${token}<button type="submit">Sign in to ${brand}</button></form>`], 200, form.returnOrigin);
    case "verify_email":
      return page(`Confirm your email address for ${brand}`, [`<form method="post" action="/auth/link">${token}<button type="submit">Confirm this address</button></form>`]);
    case "change_email":
      return page(`Confirm your new email address for ${brand}`, [`<form method="post" action="/auth/link">${token}<button type="submit">Confirm this address</button></form>`]);
    case "reset_password":
      return page(`Choose a new ${brand} password`, [
        `<form method="post" action="/auth/link">${token}`,
        `<label for="password">New password (at least ${form.minLength} characters)</label>`,
        `<input id="password" type="password" name="password" autocomplete="new-password" required minlength="${form.minLength}" maxlength="128">`,
        `<button type="submit">Set the new password</button></form>`,
      ]);
  }
}

/** A page that only says something: the link's outcome, or why it cannot be used. */
export function linkMessagePage(title: string, message: string, status: 200 | 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 502 | 503 = 200, headers: Record<string, string> = {}): Response {
  const response = page(escapeHtml(title), [`<p>${escapeHtml(message)}</p>`], status);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** What every link page and redirect carries: nothing cached, no referrer (the URL holds the token), never framed. */
export const LINK_PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
};

export function contentSecurityPolicy(extraFormOrigin: string | null = null): string {
  const formAction = extraFormOrigin === null ? "'self'" : `'self' ${extraFormOrigin}`;
  return `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}

const STYLE = "body{margin:0;padding:32px 16px;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff}main{max-width:420px;margin:0 auto}label,input,button{display:block;margin:12px 0;font-size:16px}input{width:100%;padding:8px;box-sizing:border-box}button{padding:10px 18px;border:0;border-radius:6px;background:#1a1a1a;color:#fff;cursor:pointer}";

/** `title` and `body` are already escaped HTML. */
function page(title: string, body: readonly string[], status = 200, extraFormOrigin: string | null = null): Response {
  const html = [
    "<!doctype html>",
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">',
    `<title>${title}</title><style>${STYLE}</style></head>`,
    `<body><main><h1>${title}</h1>`,
    ...body,
    "</main></body>",
    "</html>",
  ].join("\n");
  return new Response(`${html}\n`, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": contentSecurityPolicy(extraFormOrigin), ...LINK_PAGE_HEADERS },
  });
}
