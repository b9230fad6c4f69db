import { z } from "zod";
import { err, ok, type Result } from "../errors/result";
import { ROLE_PATTERN } from "./access-token-claims";
import type { AuthenticationRequirement } from "./authentication-methods";
import type { CanonicalPath } from "./canonical-path";

/**
 * Route rules for the gate: method + path pattern → who may pass. The first
 * matching rule wins; a request no rule matches needs a valid access token.
 *
 * Patterns are absolute paths; a final `/*` matches that prefix and anything
 * below it (`/public/*` matches `/public` and `/public/a/b`), a `*` segment
 * matches exactly one segment. Matching ignores case, so `/ADMIN/x` cannot slip
 * past a rule for `/admin/*` to an origin that does not care about case. HEAD
 * matches the rules for GET, since origins answer HEAD by running GET.
 */
export type RouteAccess =
  | { readonly kind: "public" }
  | {
      readonly kind: "authenticated";
      readonly roles: readonly string[];
      /** How the caller must have signed in (RFC 9470): two factors, a recent sign-in, or null for either. */
      readonly signIn: AuthenticationRequirement | null;
    };

export interface RouteRule {
  readonly methods: readonly string[] | "*";
  readonly segments: readonly string[];
  readonly prefix: boolean;
  readonly access: RouteAccess;
  /** Forward the `Authorization` header to the origin (off by default). */
  readonly forwardAuthorization: boolean;
  /** Refuse with 503 rather than serve from a stale revocation snapshot. */
  readonly sensitive: boolean;
}

export type GatePolicy = readonly RouteRule[];

const METHOD = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The methods a policy can name, and so the only ones the gate forwards; others get 405. */
export const POLICY_METHODS: readonly string[] = METHOD.options;

const PATTERN = z
  .string()
  .max(200)
  .regex(/^\/(?:[A-Za-z0-9._~!$&'()+,;=:@-]+|\*)?(?:\/(?:[A-Za-z0-9._~!$&'()+,;=:@-]+|\*))*$/, "an absolute path of plain segments, `*` segments and an optional final `/*`");
const ROLE = z.string().regex(ROLE_PATTERN);

/**
 * The longest `max_age` a rule may ask for: the longest a session can live (the
 * refresh-token lifetime cap of tenant settings, 90 days). A longer one could never bite.
 */
export const MAX_SIGN_IN_AGE_SECONDS = 7_776_000;

const MAX_AGE_RULE = `must be a whole number of seconds from 1 to ${MAX_SIGN_IN_AGE_SECONDS}`;
const MAX_AGE = z.number({ error: MAX_AGE_RULE }).int({ error: MAX_AGE_RULE }).min(1, { error: MAX_AGE_RULE }).max(MAX_SIGN_IN_AGE_SECONDS, { error: MAX_AGE_RULE });

const ruleSchema = z.strictObject({
  method: z.union([z.literal("*"), METHOD, z.array(METHOD).min(1)]).default("*"),
  path: PATTERN,
  access: z.enum(["public", "authenticated"]).default("authenticated"),
  roles: z.array(ROLE).max(20).default([]),
  forward_authorization: z.boolean().default(false),
  sensitive: z.boolean().default(false),
  mfa: z.boolean({ error: "must be true or false" }).default(false),
  max_age: MAX_AGE.optional(),
});

export const policySchema = z.array(ruleSchema).max(200);

export type PolicyInput = z.input<typeof policySchema>;

/**
 * The development policy of the contract: `/public/*` public, `/admin/*` needs `admin` and a
 * sign-in with two factors, the rest a valid token.
 */
export const DEVELOPMENT_POLICY: PolicyInput = [
  { path: "/public/*", access: "public" },
  { path: "/admin/*", roles: ["admin"], mfa: true },
];

/**
 * Validates rules once, at startup; a bad policy is a configuration error, never a per-request
 * surprise. The error names the rule and field, in words an operator can act on.
 */
export function parsePolicy(input: unknown): GatePolicy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) throw new Error(describeIssue(parsed.error.issues[0]));
  return parsed.data.map((rule) => {
    if (rule.access === "public" && rule.roles.length > 0) throw new Error(`policy rule for ${rule.path}: a public route cannot require roles`);
    if (rule.access === "public" && (rule.mfa || rule.max_age !== undefined)) {
      throw new Error(`policy rule for ${rule.path}: a public route cannot require a second factor or a recent sign-in (mfa, max_age)`);
    }
    const prefix = rule.path.endsWith("/*");
    const body = prefix ? rule.path.slice(0, -2) : rule.path;
    return {
      methods: rule.method === "*" ? "*" : Array.isArray(rule.method) ? rule.method : [rule.method],
      segments: splitPath(body.toLowerCase()),
      prefix,
      access: rule.access === "public" ? { kind: "public" } : { kind: "authenticated", roles: rule.roles, signIn: signInRequirement(rule.mfa, rule.max_age) },
      forwardAuthorization: rule.forward_authorization,
      sensitive: rule.sensitive,
    };
  });
}

function signInRequirement(mfa: boolean, maxAge: number | undefined): AuthenticationRequirement | null {
  if (!mfa && maxAge === undefined) return null;
  return maxAge === undefined ? { mfa } : { mfa, maxAge };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return "not a valid policy";
  const [index, ...field] = issue.path;
  if (typeof index !== "number") return `the policy must be a JSON array of rules: ${issue.message}`;
  return `policy rule ${index + 1}${field.length > 0 ? `, ${field.join(".")}` : ""}: ${issue.message}`;
}

/** The default for paths no rule names: a valid token, no particular role. */
export const DEFAULT_RULE: RouteRule = {
  methods: "*",
  segments: [],
  prefix: true,
  access: { kind: "authenticated", roles: [], signIn: null },
  forwardAuthorization: false,
  sensitive: false,
};

/**
 * The rule for a canonical path, provided every reading of it an origin may
 * make reaches the same rule; otherwise the gate cannot know which rule the
 * origin's reading deserves, and the path is ambiguous.
 */
export function routeFor(policy: GatePolicy, method: string, path: CanonicalPath): Result<RouteRule, "ambiguous_path"> {
  const [first, ...others] = path.readings.map((reading) => matchSegments(policy, method, reading));
  if (first === undefined || others.some((rule) => rule !== first)) return err("ambiguous_path");
  return ok(first);
}

function matchSegments(policy: GatePolicy, method: string, segments: readonly string[]): RouteRule {
  const upperMethod = method.toUpperCase();
  for (const rule of policy) {
    if (!methodMatches(rule, upperMethod)) continue;
    if (segmentsMatch(rule, segments)) return rule;
  }
  return DEFAULT_RULE;
}

function methodMatches(rule: RouteRule, method: string): boolean {
  if (rule.methods === "*" || rule.methods.includes(method)) return true;
  return method === "HEAD" && rule.methods.includes("GET");
}

function segmentsMatch(rule: RouteRule, path: readonly string[]): boolean {
  if (rule.prefix ? path.length < rule.segments.length : path.length !== rule.segments.length) return false;
  return rule.segments.every((segment, index) => segment === "*" || segment === path[index]);
}

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

export function hasRoles(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((role) => granted.includes(role));
}
