import { DEFAULT_BACKGROUND, DEFAULT_PRIMARY } from "../contrast";

/**
 * The console's colors, in pairs of text on background; test/unit checks each pair passes WCAG
 * AA (contrast.ts). No tenant branding reaches the console: it is the operator's page.
 */
export const CONSOLE_COLORS = {
  background: DEFAULT_BACKGROUND,
  text: "#1a1a1a",
  muted: "#545454",
  primary: DEFAULT_PRIMARY,
  onPrimary: "#ffffff",
  danger: "#a4161a",
  onDanger: "#ffffff",
  panel: "#f1f3f7",
  notice: "#eaf0ff",
} as const;

/** Pairs of [text, background] that the console puts on screen. */
export const CONSOLE_COLOR_PAIRS: readonly (readonly [string, string])[] = [
  [CONSOLE_COLORS.text, CONSOLE_COLORS.background],
  [CONSOLE_COLORS.muted, CONSOLE_COLORS.background],
  [CONSOLE_COLORS.primary, CONSOLE_COLORS.background],
  [CONSOLE_COLORS.onPrimary, CONSOLE_COLORS.primary],
  [CONSOLE_COLORS.onDanger, CONSOLE_COLORS.danger],
  [CONSOLE_COLORS.danger, CONSOLE_COLORS.background],
  [CONSOLE_COLORS.text, CONSOLE_COLORS.panel],
  [CONSOLE_COLORS.primary, CONSOLE_COLORS.panel],
  [CONSOLE_COLORS.muted, CONSOLE_COLORS.panel],
  [CONSOLE_COLORS.text, CONSOLE_COLORS.notice],
  [CONSOLE_COLORS.primary, CONSOLE_COLORS.notice],
];

const C = CONSOLE_COLORS;

/** The one stylesheet, sent with the page's nonce (the CSP has no 'unsafe-inline' and there are no style attributes). */
export const CONSOLE_STYLESHEET = [
  `body{margin:0;font:16px/1.5 system-ui,sans-serif;background:${C.background};color:${C.text}}`,
  `.skip{position:absolute;left:-10000px;top:0;padding:8px 12px;background:${C.primary};color:${C.onPrimary}}.skip:focus{left:8px;top:8px}`,
  `header.bar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding:12px 24px;background:${C.panel};border-bottom:1px solid #c5cad3}`,
  ".brand{margin:0;font-weight:700}",
  "nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;margin:0;padding:0;list-style:none}",
  `nav a{color:${C.primary};font-weight:600}nav a[aria-current=page]{color:${C.text};text-decoration-thickness:3px}`,
  `.session{margin-left:auto;display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px}.session p{margin:0;color:${C.muted};font-size:.875rem}`,
  "main{max-width:1100px;margin:0 auto;padding:24px}",
  "h1{font-size:1.75rem;margin:0 0 16px;overflow-wrap:anywhere}h2{font-size:1.25rem;margin:32px 0 8px}",
  `a{color:${C.primary}}`,
  `:focus-visible{outline:3px solid ${C.primary};outline-offset:2px}`,
  "label{display:block;margin:12px 0 4px;font-weight:600}",
  "input,select{box-sizing:border-box;width:100%;max-width:420px;padding:8px;font:inherit;border:1px solid #6b6b6b;border-radius:4px;background:#fff;color:#1a1a1a}",
  `button{margin:12px 0;padding:8px 16px;font:inherit;font-weight:600;border:0;border-radius:4px;background:${C.primary};color:${C.onPrimary};cursor:pointer}`,
  `button.danger{background:${C.danger};color:${C.onDanger}}`,
  ".inline{display:inline}.inline button{margin:0}",
  "section.chart{margin:24px 0 32px}.note{color:#555;font-size:.9em}",
  ".filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:0 16px}",
  "table{width:100%;border-collapse:collapse;margin:8px 0}caption{text-align:left;font-weight:600;padding:4px 0}",
  `th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #c5cad3;overflow-wrap:anywhere}thead th{background:${C.panel}}`,
  "code,pre{font:.875rem/1.4 ui-monospace,monospace;overflow-wrap:anywhere;white-space:pre-wrap}",
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dt{font-weight:600}dd{margin:0}",
  `.notice{padding:12px;border:2px solid ${C.primary};border-radius:6px;background:${C.notice}}`,
  `.error{color:${C.danger};font-weight:600}[role=alert]{padding:12px;border:2px solid ${C.danger};border-radius:6px}`,
  `.muted{color:${C.muted}}`,
].join("");
