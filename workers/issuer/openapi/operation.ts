import type { z } from "zod";
import type { FailureReason } from "../../../shared/errors/failure";

/** How a caller proves who it is; each name is a security scheme of the document. */
export type Credential =
  /** The tenant's publishable key in `x-api-key`. */
  | "publishableKey"
  /** The tenant's secret key as `Authorization: Bearer`. */
  | "secretKey"
  /** The operator's `ADMIN_TOKEN` as `Authorization: Bearer`. */
  | "adminToken"
  /** A user's access token as `Authorization: Bearer`. */
  | "accessToken"
  /** An enrolment `mfa_token` (`mfa_…`) as `Authorization: Bearer`, while a tenant requiring a second factor waits for the user's first. */
  | "enrolmentToken"
  /** An OAuth client's id and secret, HTTP Basic (RFC 6749 §2.3.1). */
  | "clientSecretBasic"
  /** The issuer's browser session cookie, on the hosted pages. */
  | "browserSession"
  /** A provider's signature over the request (webhooks), checked by the route itself. */
  | "providerSignature"
  /** The operator console's session cookie, set by signing in with `ADMIN_TOKEN` at `/console/login`. */
  | "consoleSession";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** One answer of an operation. Exactly one of the body kinds applies; none means an empty body. */
export interface Answer {
  readonly description: string;
  /** A JSON body, described by the schema the document renders for it. */
  readonly json?: z.ZodType;
  /** An HTML page (a hosted page, or an error page that is never a redirect). */
  readonly html?: true;
  /** A redirect: the `Location` header carries the answer. */
  readonly redirect?: true;
  /** Headers worth naming (beyond `X-Request-Id`, which every answer has). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly example?: unknown;
}

/** One route and method, as a client sees it. */
export interface Operation {
  readonly method: HttpMethod;
  /** The path in OpenAPI form: `/api/admin/tenants/{id}`. */
  readonly path: string;
  readonly tag: Tag;
  readonly summary: string;
  readonly description?: string;
  /** Any one of these is enough; empty means public. */
  readonly security: readonly Credential[];
  /** Path parameters, by name, with what each names. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly query?: z.ZodObject;
  /** The JSON body the route validates with: the very schema the route uses. */
  readonly body?: z.ZodType;
  /** A form body (`application/x-www-form-urlencoded`), for browser forms and OAuth endpoints. */
  readonly form?: z.ZodType;
  readonly bodyExample?: unknown;
  /** The successful answers, by status. */
  readonly answers: Readonly<Partial<Record<number, Answer>>>;
  /**
   * The contract's error codes this route answers beyond the conventions every route shares
   * (which the document adds by itself: see `conventionalErrors`).
   */
  readonly errors?: readonly FailureReason[];
  /** OAuth endpoints answer RFC 6749's `{error, error_description}` instead of the contract's shape. */
  readonly oauthErrors?: Readonly<Partial<Record<number, readonly string[]>>>;
}

export const TAGS = {
  discovery: "Health and discovery",
  phone: "Phone sign-in and sessions",
  accounts: "Email and password",
  mfa: "Second factors",
  passkeys: "Passkeys",
  admin: "Admin: tenants, users, audit, keys",
  clients: "Admin: OAuth clients",
  connections: "Admin: social and enterprise connections",
  outboundWebhooks: "Admin: webhooks",
  oauth: "OpenID Provider",
  pages: "Hosted pages",
  console: "Operator console",
  webhooks: "Provider webhooks",
} as const;

export type Tag = keyof typeof TAGS;
