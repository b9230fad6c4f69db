/**
 * WebAuthn's JSON forms (the issuer's options, the credential it expects back) and the
 * ArrayBuffers `navigator.credentials` works with, converted by hand so older browsers without
 * `PublicKeyCredential.parseRequestOptionsFromJSON` work too.
 */
import { base64UrlToBytes, bytesToBase64Url } from "../base64url";

type JsonObject = Record<string, unknown>;

interface CredentialDescriptorJson {
  readonly id: string;
  readonly type: string;
  readonly transports?: readonly string[];
}

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list as CredentialDescriptorJson[]).map((descriptor) => ({
    id: base64UrlToBytes(descriptor.id),
    type: "public-key",
    ...(descriptor.transports ? { transports: descriptor.transports as AuthenticatorTransport[] } : {}),
  }));
}

export function requestOptionsFromJson(options: JsonObject): PublicKeyCredentialRequestOptions {
  const allowCredentials = descriptors(options.allowCredentials);
  return {
    ...(options as unknown as PublicKeyCredentialRequestOptions),
    challenge: base64UrlToBytes(String(options.challenge)),
    ...(allowCredentials ? { allowCredentials } : {}),
  };
}

export function creationOptionsFromJson(options: JsonObject): PublicKeyCredentialCreationOptions {
  const user = options.user as JsonObject;
  const excludeCredentials = descriptors(options.excludeCredentials);
  return {
    ...(options as unknown as PublicKeyCredentialCreationOptions),
    challenge: base64UrlToBytes(String(options.challenge)),
    user: { ...(user as unknown as PublicKeyCredentialUserEntity), id: base64UrlToBytes(String(user.id)) },
    ...(excludeCredentials ? { excludeCredentials } : {}),
  };
}

/** What every credential's JSON form has, beside its `response`. */
function credentialFields(credential: PublicKeyCredential): JsonObject {
  return {
    id: credential.id,
    rawId: bytesToBase64Url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
  };
}

/** An assertion as `AuthenticationResponseJSON`. */
export function assertionToJson(credential: PublicKeyCredential): JsonObject {
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    ...credentialFields(credential),
    response: {
      clientDataJSON: bytesToBase64Url(response.clientDataJSON),
      authenticatorData: bytesToBase64Url(response.authenticatorData),
      signature: bytesToBase64Url(response.signature),
      ...(response.userHandle ? { userHandle: bytesToBase64Url(response.userHandle) } : {}),
    },
  };
}

/** A new credential as `RegistrationResponseJSON`. */
export function attestationToJson(credential: PublicKeyCredential): JsonObject {
  const response = credential.response as AuthenticatorAttestationResponse;
  return {
    ...credentialFields(credential),
    response: {
      clientDataJSON: bytesToBase64Url(response.clientDataJSON),
      attestationObject: bytesToBase64Url(response.attestationObject),
      transports: response.getTransports(),
    },
  };
}
