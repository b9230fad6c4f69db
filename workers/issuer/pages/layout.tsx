import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { pageColors } from "./contrast";
import type { Strings } from "./strings-en";

export interface LayoutProps {
  readonly title: string;
  readonly strings: Strings;
  readonly settings: Pick<TenantSettings, "email_branding" | "branding"> | null;
  readonly nonce: string;
  readonly children?: Child;
}

/**
 * The one stylesheet, built from colors `pageColors` has already checked are `#rrggbb`: no
 * tenant text ever reaches CSS, and there are no style attributes (the CSP has no
 * 'unsafe-inline'). Phone-width first: one column, inputs full width, 16px text so mobile
 * browsers do not zoom.
 */
function stylesheet(settings: LayoutProps["settings"]): string {
  const colors = pageColors(settings?.branding ?? {});
  return [
    `body{margin:0;padding:24px 16px;font:16px/1.5 system-ui,sans-serif;background:${colors.background};color:${colors.text}}`,
    "main{max-width:400px;margin:0 auto}",
    "header img{max-height:48px;max-width:200px}",
    "h1{font-size:1.5rem}",
    "label{display:block;margin:16px 0 4px;font-weight:600}",
    "input{display:block;width:100%;box-sizing:border-box;padding:10px;font-size:16px;border:1px solid #6b6b6b;border-radius:6px;background:#fff;color:#1a1a1a}",
    `button{display:block;width:100%;margin:16px 0;padding:12px;font-size:16px;border:0;border-radius:6px;background:${colors.primary};color:${colors.onPrimary};cursor:pointer}`,
    `a{color:${colors.primary}}`,
    `:focus-visible{outline:3px solid ${colors.primary};outline-offset:2px}`,
    ".error{margin:4px 0;font-weight:600}",
    "[role=alert]{padding:12px;border:2px solid currentColor;border-radius:6px}",
    "hr{margin:24px 0}",
    "input[type=checkbox]{display:inline-block;width:auto;margin-right:8px}label.inline{display:inline}.qr svg{display:block;width:100%;max-width:240px;height:auto}",
    // The passkey controls stay hidden until our script finds WebAuthn; `button{display:block}` must not undo that.
    "[hidden]{display:none!important}",
  ].join("");
}

export function Layout(props: LayoutProps) {
  const brand = props.settings?.email_branding ?? null;
  const logo = props.settings?.branding.logo_url;
  return (
    <html lang={props.strings.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style nonce={props.nonce}>{raw(stylesheet(props.settings))}</style>
      </head>
      <body>
        <main>
          {brand !== null && <header>{logo !== undefined ? <img src={logo} alt={brand} /> : <p>{brand}</p>}</header>}
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A form's error, tied to its field by id so a screen reader reads it with the field. */
export function FieldError(props: { readonly id: string; readonly message: string | null }) {
  return props.message === null ? null : <p id={props.id} class="error">{props.message}</p>;
}
