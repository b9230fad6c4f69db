import { z } from "zod";
import { ACTION_FORMS } from "../../routes/account-page";
import { consentForm } from "../../routes/consent-page";
import { linkForm, linkQuery } from "../../routes/email-link-page";
import { startForm } from "../../routes/federation";
import { loginForm, signupForm } from "../../routes/login-page";
import { resetForm, tokenQuery } from "../../routes/reset-password-page";
import { verifyForm, verifyQuery } from "../../routes/verify-email-page";
import type { Operation } from "../operation";
import { htmlAnswers, PAGE_GET_STATUSES, PAGE_POST_STATUSES } from "./html-answers";

/** How a page learns its tenant: the pending authorization request, a publishable key, or a tenant id. */
const pageQuery = z.object({
  request: z.string().optional().meta({ description: "The pending `/oauth2/authorize` query, carried through the sign-in." }),
  key: z.string().optional().meta({ description: "The tenant's publishable key, for links from an app." }),
  account: z.string().optional().meta({ description: "A tenant id, when signing in to manage the account." }),
  ui_locales: z.string().optional(),
});

const FORMS = "Forms are `application/x-www-form-urlencoded` and carry the page's CSRF token (`csrf`), checked before anything else.";

const ACCOUNT_ACTIONS: Readonly<Record<keyof typeof ACTION_FORMS, string>> = {
  profile: "Change the display name",
  email: "Change the email address (takes effect once the link sent to the new address is used)",
  "phone/request": "Send a code to a new phone number",
  "phone/verify": "Make the phone number the account's, with its code",
  password: "Change or set the password",
  "totp/start": "Start enrolling an authenticator app (shows a QR code)",
  "totp/confirm": "Confirm the authenticator app with a code",
  "totp/remove": "Remove the authenticator app",
  "recovery-codes": "Replace the recovery codes",
  "passkeys/options": "A challenge to add a passkey (used by the page's script)",
  "passkeys/register": "Add a passkey",
  "passkeys/remove": "Remove a passkey",
  "sessions/revoke": "Sign one device out",
  "sessions/revoke-all": "Sign out everywhere",
  delete: "Delete the account",
  "identities/link": "Link a social or enterprise identity (goes to the provider)",
  "identities/unlink": "Unlink an identity",
};

const accountActions: Operation[] = Object.entries(ACTION_FORMS).map(([action, form]) => ({
  method: "post",
  path: `/account/${action}`,
  tag: "pages",
  summary: ACCOUNT_ACTIONS[action as keyof typeof ACTION_FORMS],
  description: `A form of the account page, for the signed-in browser. ${FORMS} Changes to how the account is reached need a sign-in within the last five minutes; otherwise the browser is sent to sign in again.`,
  security: ["browserSession"],
  form,
  answers: htmlAnswers(...PAGE_POST_STATUSES),
}));

export const pagesOperations: readonly Operation[] = [
  {
    method: "get",
    path: "/login",
    tag: "pages",
    summary: "The hosted login page",
    description: "Every sign-in method the tenant enabled, in its branding: password, email code or link, phone code, passkey, a button per connection; then the second-factor step when one is owed.",
    security: [],
    query: pageQuery,
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "post",
    path: "/login",
    tag: "pages",
    summary: "A step of the hosted login page",
    description: `\`step\` names which. ${FORMS} A completed sign-in sets the browser session cookie and returns to the pending authorization request (or the account page).`,
    security: [],
    form: loginForm,
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "post",
    path: "/login/connection/{id}",
    tag: "pages",
    summary: "Sign in with a social or enterprise connection (the login page's button)",
    description: `Sends the browser to the provider with \`state\`, PKCE and (OIDC) \`nonce\`. ${FORMS}`,
    security: [],
    pathParameters: { id: "The connection's id (`con_…`)." },
    form: startForm,
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "get",
    path: "/signup",
    tag: "pages",
    summary: "The hosted sign-up page",
    security: [],
    query: pageQuery,
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "post",
    path: "/signup",
    tag: "pages",
    summary: "Sign up on the hosted page",
    description: `The same rules as \`POST /api/auth/signup\`. ${FORMS}`,
    security: [],
    form: signupForm,
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "get",
    path: "/reset-password",
    tag: "pages",
    summary: "The password reset page: ask for a link, or (with `token`) choose a new password",
    security: [],
    query: tokenQuery.partial().extend(pageQuery.shape),
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "post",
    path: "/reset-password",
    tag: "pages",
    summary: "Ask for a reset link, or set the new password",
    description: `\`step\` is \`request\` or \`choose\`. ${FORMS}`,
    security: [],
    form: resetForm,
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "get",
    path: "/verify-email",
    tag: "pages",
    summary: "The page an address-verification link opens",
    description: "Shows a button: link scanners only GET, so nothing is spent until the form is posted.",
    security: [],
    query: verifyQuery,
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "post",
    path: "/verify-email",
    tag: "pages",
    summary: "Verify the address with the link's token",
    description: FORMS,
    security: [],
    form: verifyForm,
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "get",
    path: "/auth/link",
    tag: "pages",
    summary: "The page an emailed sign-in link opens",
    description: "Shows a button; posting it signs in and returns to the tenant's redirect URI with the tokens in the fragment, or to the pending authorization request.",
    security: [],
    query: linkQuery,
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "post",
    path: "/auth/link",
    tag: "pages",
    summary: "Sign in with an emailed link",
    description: FORMS,
    security: [],
    form: linkForm,
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "get",
    path: "/consent",
    tag: "pages",
    summary: "The consent page, for clients that are not first-party",
    security: ["browserSession"],
    query: z.object({ request: z.string(), ui_locales: z.string().optional() }),
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "post",
    path: "/consent",
    tag: "pages",
    summary: "Allow or deny a client's request",
    description: FORMS,
    security: ["browserSession"],
    form: consentForm,
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "get",
    path: "/account",
    tag: "pages",
    summary: "The account page",
    description:
      "Profile, email and phone, password, authenticator app with QR code, recovery codes, passkeys, linked identities, signed-in devices, account deletion. Signed out: with `key`, the browser is sent to sign in and comes back.",
    security: ["browserSession"],
    query: z.object({ key: z.string().optional(), ui_locales: z.string().optional() }),
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  ...accountActions,
];
