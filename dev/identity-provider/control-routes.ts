import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBodyOrRefuse } from "../sms/request-body";
import { badRequest, noContent, sendJson } from "../support/http-server";
import { BAD_TOKEN_KINDS } from "./bad-token";

/** Prefix of the control API: local only, never part of any provider's protocol. */
export const CONTROL_PREFIX = "/_control";

export const STAND_IN_PROVIDERS = ["oidc", "google", "microsoft", "github", "apple"] as const;
export type StandInProvider = (typeof STAND_IN_PROVIDERS)[number];

const redirectUri = z.url().refine((value) => /^https?:/.test(value), "redirect URIs must be http(s)");

export const clientSchema = z.strictObject({
  provider: z.enum(STAND_IN_PROVIDERS),
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(500).optional(),
  redirect_uris: z.array(redirectUri).min(1).max(20),
  team_id: z.string().min(1).max(100).optional(),
  key_id: z.string().min(1).max(100).optional(),
  public_key: z.union([z.string().min(1).max(5000), z.record(z.string(), z.unknown())]).optional(),
});
export type ClientRegistration = z.infer<typeof clientSchema>;

export const userSchema = z.strictObject({
  login: z.string().min(1).max(200),
  email: z.email().max(200).optional(),
  email_verified: z.boolean().optional(),
  name: z.string().min(1).max(200).optional(),
});
export type UserChange = z.infer<typeof userSchema>;

const rotateSchema = z.strictObject({ provider: z.enum(STAND_IN_PROVIDERS) });
const badTokenSchema = z.strictObject({ client_id: z.string().min(1).max(200), kind: z.enum(BAD_TOKEN_KINDS) });

export interface ControlActions {
  registerClient(registration: ClientRegistration): string | null;
  upsertUser(change: UserChange): string | null;
  rotateKeys(provider: StandInProvider): Promise<void>;
  spoilNextIdToken(clientId: string, kind: (typeof BAD_TOKEN_KINDS)[number]): void;
  setDown(down: boolean): void;
}

/**
 * `POST /_control/clients`, `PUT /_control/users`, `POST /_control/rotate-keys`,
 * `POST /_control/bad-token`, `POST /_control/down`, `POST /_control/up` (dev/identity-provider/README.md).
 */
export async function handleControl(request: IncomingMessage, response: ServerResponse, path: string, actions: ControlActions): Promise<void> {
  const route = `${request.method ?? ""} ${path}`;
  if (route === "POST /down" || route === "POST /up") {
    actions.setDown(route === "POST /down");
    noContent(response);
    return;
  }
  const schema = { "POST /clients": clientSchema, "PUT /users": userSchema, "POST /rotate-keys": rotateSchema, "POST /bad-token": badTokenSchema }[route];
  if (!schema) {
    sendJson(response, 404, { error: "no such control route" });
    return;
  }
  const body = await readBodyOrRefuse(request, response);
  if (body === null) return;
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    badRequest(response, "the body must be JSON");
    return;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    badRequest(response, parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "));
    return;
  }
  const input = parsed.data;
  let refusal: string | null = null;
  if (route === "POST /clients") refusal = actions.registerClient(input as ClientRegistration);
  else if (route === "PUT /users") refusal = actions.upsertUser(input as UserChange);
  else if (route === "POST /rotate-keys") await actions.rotateKeys((input as z.infer<typeof rotateSchema>).provider);
  else {
    const { client_id: clientId, kind } = input as z.infer<typeof badTokenSchema>;
    actions.spoilNextIdToken(clientId, kind);
  }
  if (refusal !== null) badRequest(response, refusal);
  else noContent(response);
}
