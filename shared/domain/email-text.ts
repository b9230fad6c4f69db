/**
 * The emails Portcullis sends, in text and HTML, in the tenant's branding. Every interpolated value
 * is escaped for HTML; there are no images, no remote resources, no tracking and no link rewriting:
 * a link in the mail is exactly the link the issuer made.
 */
export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface CodeAndLinkEmail {
  readonly branding: string;
  readonly code: string;
  readonly link: string;
  readonly expiresMinutes: number;
}

export function signInEmail(input: CodeAndLinkEmail): EmailContent {
  const brand = plain(input.branding);
  const expiry = minutes(input.expiresMinutes);
  return compose(`Your ${brand} sign-in code`, [
    { kind: "paragraph", text: `Use this code to sign in to ${brand}:` },
    { kind: "code", text: plain(input.code) },
    { kind: "paragraph", text: "Or sign in with this link:" },
    { kind: "link", href: checkedLink(input.link), label: `Sign in to ${brand}` },
    { kind: "paragraph", text: `The code and the link work once and expire in ${expiry}.` },
    { kind: "note", text: `If you did not try to sign in to ${brand}, you can ignore this email: nobody can sign in without the code or the link.` },
  ]);
}

export function verifyAddressEmail(input: CodeAndLinkEmail): EmailContent {
  const brand = plain(input.branding);
  const expiry = minutes(input.expiresMinutes);
  return compose(`Confirm your email address for ${brand}`, [
    { kind: "paragraph", text: `Use this code to confirm this email address for your ${brand} account:` },
    { kind: "code", text: plain(input.code) },
    { kind: "paragraph", text: "Or confirm it with this link:" },
    { kind: "link", href: checkedLink(input.link), label: "Confirm this address" },
    { kind: "paragraph", text: `The code and the link work once and expire in ${expiry}.` },
    { kind: "note", text: `If you did not ask to use this address with ${brand}, you can ignore this email; the address will not be added.` },
  ]);
}

export interface AccountExistsEmail {
  readonly branding: string;
  readonly signInLink: string;
  readonly resetLink: string;
}

/** Sent instead of a verification when someone signs up with an address that already has an account. */
export function accountExistsEmail(input: AccountExistsEmail): EmailContent {
  const brand = plain(input.branding);
  return compose(`You already have a ${brand} account`, [
    { kind: "paragraph", text: `Someone tried to create a ${brand} account with this email address, but it already has one.` },
    { kind: "paragraph", text: "If that was you, sign in instead:" },
    { kind: "link", href: checkedLink(input.signInLink), label: `Sign in to ${brand}` },
    { kind: "paragraph", text: "If you have forgotten your password, choose a new one:" },
    { kind: "link", href: checkedLink(input.resetLink), label: "Reset your password" },
    { kind: "note", text: "If it was not you, you can ignore this email: nothing about your account has changed." },
  ]);
}

export interface PasswordResetEmail {
  readonly branding: string;
  readonly link: string;
  readonly expiresMinutes: number;
}

export function passwordResetEmail(input: PasswordResetEmail): EmailContent {
  const brand = plain(input.branding);
  return compose(`Reset your ${brand} password`, [
    { kind: "paragraph", text: `Someone asked to reset the password of the ${brand} account for this email address. To choose a new password, open this link:` },
    { kind: "link", href: checkedLink(input.link), label: "Choose a new password" },
    { kind: "paragraph", text: `The link works once and expires in ${minutes(input.expiresMinutes)}. Choosing a new password signs you out everywhere else.` },
    { kind: "note", text: "If you did not ask for this, you can ignore this email: your password stays as it is." },
  ]);
}

export interface PasswordChangedEmail {
  readonly branding: string;
}

export function passwordChangedEmail(input: PasswordChangedEmail): EmailContent {
  const brand = plain(input.branding);
  return compose(`Your ${brand} password was changed`, [
    { kind: "paragraph", text: `The password of your ${brand} account was just changed, and every other session was signed out.` },
    { kind: "paragraph", text: "If you made this change, there is nothing more to do." },
    {
      kind: "note",
      text: `If you did not, someone else may have access to your email or your account: secure your email account first, then use "Forgot password" on the ${brand} sign-in page to choose a new password, and contact ${brand}'s support.`,
    },
  ]);
}

type Block =
  | { readonly kind: "paragraph" | "note" | "code"; readonly text: string }
  | { readonly kind: "link"; readonly href: string; readonly label: string };

function compose(subject: string, blocks: readonly Block[]): EmailContent {
  const text = `${blocks.map(textBlock).join("\n\n")}\n`;
  const html = [
    "<!doctype html>",
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#ffffff;color:#1a1a1a;font-family:-apple-system,BlinkMacSystemFont,\'Segoe UI\',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5">',
    '<div style="max-width:560px;margin:0 auto">',
    ...blocks.map(htmlBlock),
    "</div>",
    "</body>",
    "</html>",
  ].join("\n");
  return { subject, text, html: `${html}\n` };
}

function textBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
    case "note":
      return block.text;
    case "code":
      return `    ${block.text}`;
    case "link":
      return block.href;
  }
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return `<p style="margin:0 0 16px">${escapeHtml(block.text)}</p>`;
    case "note":
      return `<p style="margin:24px 0 0;color:#555555;font-size:14px">${escapeHtml(block.text)}</p>`;
    case "code":
      return `<p style="margin:0 0 16px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:28px;letter-spacing:4px;font-weight:bold">${escapeHtml(block.text)}</p>`;
    case "link":
      // The address is shown too, so a reader can see where the button goes before opening it.
      return [
        `<p style="margin:0 0 8px"><a href="${escapeHtml(block.href)}" style="display:inline-block;padding:10px 18px;background:#1a1a1a;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(block.label)}</a></p>`,
        `<p style="margin:0 0 16px;font-size:13px;color:#555555;word-break:break-all">${escapeHtml(block.href)}</p>`,
      ].join("\n");
  }
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text and attribute values alike: `&`, `<`, `>`, both quotes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/**
 * Control characters (a line break in a tenant's branding) would let a value start a line of its
 * own in the text body or a header in the subject: each run becomes one space.
 */
function plain(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, " ").trim();
}

function minutes(value: number): string {
  return value === 1 ? "1 minute" : `${value} minutes`;
}

/** Links come from the issuer's own URL; anything but an absolute http(s) URL is a bug, not input. */
function checkedLink(link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error("an email link must be an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("an email link must be http(s)");
  return link;
}
