import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { CONSOLE } from "./console-strings";
import { CONSOLE_STYLESHEET } from "./console-style";
import { CHART_STYLESHEET } from "../../console/charts/chart-stylesheet";
import { DateTime } from "./date-time";

export type ConsoleSection = "dashboard" | "tenants" | "users" | "audit";

/** The signed-in operator, as every page shows it: when the session ends, and the form to end it now. */
export interface SignedInView {
  readonly csrf: string;
  readonly expiresAt: Date;
}

export interface ConsoleLayoutProps {
  readonly title: string;
  readonly nonce: string;
  /** Null on the sign-in page and the pages that say a session has ended. */
  readonly signedIn: SignedInView | null;
  readonly section?: ConsoleSection;
  readonly children?: Child;
}

const SECTIONS: readonly { readonly section: ConsoleSection; readonly href: string; readonly label: string }[] = [
  { section: "dashboard", href: "/console", label: CONSOLE.nav.dashboard },
  { section: "tenants", href: "/console/tenants", label: CONSOLE.nav.tenants },
  { section: "users", href: "/console/users", label: CONSOLE.nav.users },
  { section: "audit", href: "/console/audit", label: CONSOLE.nav.audit },
];

export function ConsoleLayout(props: ConsoleLayoutProps) {
  const { signedIn } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · ${CONSOLE.product}`}</title>
        <style nonce={props.nonce}>{raw(CONSOLE_STYLESHEET + CHART_STYLESHEET)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          {CONSOLE.skipToContent}
        </a>
        <header class="bar">
          <p class="brand">{CONSOLE.product}</p>
          {signedIn !== null && (
            <nav aria-label={CONSOLE.nav.label}>
              <ul>
                {SECTIONS.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.section === props.section ? "page" : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {signedIn !== null && (
            <form method="post" action="/console/logout" class="session">
              <p>
                {CONSOLE.sessionEndsBy}
                <DateTime at={signedIn.expiresAt} />
              </p>
              <input type="hidden" name="csrf" value={signedIn.csrf} />
              <button type="submit">{CONSOLE.signOut}</button>
            </form>
          )}
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
