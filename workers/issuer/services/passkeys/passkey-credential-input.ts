import { z } from "zod";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { Failure } from "../../../../shared/errors/failure";

/** Unpadded base64url of at most `max` characters. */
const base64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, "must be base64url.");
const id = base64url(1400).min(1);

/**
 * WebAuthn Level 3 `RegistrationResponseJSON` (§5.1, `toJSON()`), as a browser or the
 * `@simplewebauthn/browser` helper sends it. Every field the spec lists is allowed, nothing else.
 */
export const registrationCredentialSchema = z
  .strictObject({
    id,
    rawId: id,
    type: z.literal("public-key"),
    response: z.strictObject({
      clientDataJSON: base64url(4000),
      attestationObject: base64url(12000),
      authenticatorData: base64url(8000).optional(),
      transports: z.array(z.string().max(32)).max(10).optional(),
      publicKey: base64url(4000).optional(),
      publicKeyAlgorithm: z.number().int().optional(),
    }),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).nullable().optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  })
  .refine((credential) => credential.id === credential.rawId, { message: "must have the same id and rawId.", path: ["rawId"] });

/** WebAuthn Level 3 `AuthenticationResponseJSON`. */
export const assertionCredentialSchema = z
  .strictObject({
    id,
    rawId: id,
    type: z.literal("public-key"),
    response: z.strictObject({
      clientDataJSON: base64url(4000),
      authenticatorData: base64url(8000),
      signature: base64url(2000),
      userHandle: base64url(128).nullable().optional(),
      attestationObject: base64url(12000).optional(),
    }),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).nullable().optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  })
  .refine((credential) => credential.id === credential.rawId, { message: "must have the same id and rawId.", path: ["rawId"] });

export type RegistrationCredential = z.infer<typeof registrationCredentialSchema>;
export type AssertionCredential = z.infer<typeof assertionCredentialSchema>;

/** A known transport hint is kept for `excludeCredentials`/`allowCredentials`; others are dropped. */
export const TRANSPORTS = ["ble", "hybrid", "internal", "nfc", "usb", "smart-card"] as const;

export function parseRegistrationCredential(value: unknown): Result<RegistrationCredential, Failure> {
  const parsed = registrationCredentialSchema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(notACredential("a registration"));
}

export function parseAssertionCredential(value: unknown): Result<AssertionCredential, Failure> {
  const parsed = assertionCredentialSchema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(notACredential("an authentication"));
}

function notACredential(kind: string): Failure {
  return { reason: "invalid_request", field: "credential", message: `credential must be the JSON of ${kind} response from navigator.credentials (PublicKeyCredential.toJSON()).` };
}
