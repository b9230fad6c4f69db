import { describe, expect, it } from "vitest";
import { createCredential, EMPTY_AUTHENTICATOR, getAssertion, type AuthenticatorBehaviour, type AuthenticatorState } from "../../../dev/passkey/software-authenticator";
import { decodeBase64Url, encodeBase64Url } from "../../../shared/crypto/base64url";
import { verifyAssertion, verifyRegistration, type RegisteredCredential } from "../../../shared/crypto/webauthn-verification";

const RP_ID = "login.example.com";
const ORIGIN = "https://login.example.com";
const EXPECTED = { rpId: RP_ID, origins: [ORIGIN] };

function freshChallenge(): { text: string; bytes: Uint8Array } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return { text: encodeBase64Url(bytes), bytes };
}

function creationOptions(challenge: string, rpId = RP_ID) {
  return {
    rp: { id: rpId, name: "Example" },
    user: { id: encodeBase64Url(new TextEncoder().encode("usr_x")), name: "x", displayName: "x" },
    challenge,
    pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -257 }],
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
    attestation: "none",
  } as never;
}

async function registered(behaviour: AuthenticatorBehaviour = {}): Promise<{ state: AuthenticatorState; credential: RegisteredCredential }> {
  const challenge = freshChallenge();
  const ceremony = createCredential(EMPTY_AUTHENTICATOR, ORIGIN, creationOptions(challenge.text), behaviour);
  const result = await verifyRegistration({ id: ceremony.credential.id, ...ceremony.credential.response }, { ...EXPECTED, challenge: challenge.bytes });
  if (!result.ok) throw new Error(result.error);
  return { state: ceremony.state, credential: result.value };
}

function assertionAt(state: AuthenticatorState, origin: string, challenge: string, behaviour: AuthenticatorBehaviour = {}, rpId = RP_ID) {
  const { credential } = getAssertion(state, origin, { challenge, rpId, allowCredentials: [], userVerification: "required" }, behaviour);
  return { id: credential.id, clientDataJSON: credential.response.clientDataJSON, authenticatorData: credential.response.authenticatorData, signature: credential.response.signature };
}

describe("WebAuthn registration checks", () => {
  it.each(["ES256", "RS256"] as const)("accepts an %s credential and keeps its key as a JWK", async (algorithm) => {
    const { credential } = await registered({ algorithm });
    expect(credential.algorithm).toBe(algorithm === "ES256" ? -7 : -257);
    expect(JSON.parse(credential.publicKey)).toMatchObject({ kty: algorithm === "ES256" ? "EC" : "RSA" });
    expect(credential.signCount).toBe(0);
    // The emulator's credentials are synced passkeys: backup eligible and backed up.
    expect(credential.backedUp).toBe(true);
  });

  it("refuses a credential made for a challenge it was not issued", async () => {
    const ceremony = createCredential(EMPTY_AUTHENTICATOR, ORIGIN, creationOptions(freshChallenge().text));
    expect(await verifyRegistration({ id: ceremony.credential.id, ...ceremony.credential.response }, { ...EXPECTED, challenge: freshChallenge().bytes })).toEqual({ ok: false, error: "wrong_challenge" });
  });

  it("refuses a credential whose id was swapped for another", async () => {
    const challenge = freshChallenge();
    const ceremony = createCredential(EMPTY_AUTHENTICATOR, ORIGIN, creationOptions(challenge.text));
    expect(await verifyRegistration({ ...ceremony.credential.response, id: encodeBase64Url(new Uint8Array(32)) }, { ...EXPECTED, challenge: challenge.bytes })).toEqual({ ok: false, error: "credential_id_mismatch" });
  });

  it("refuses an assertion's client data presented as a registration", async () => {
    const { state } = await registered();
    const challenge = freshChallenge();
    const asserted = assertionAt(state, ORIGIN, challenge.text);
    const ceremony = createCredential(EMPTY_AUTHENTICATOR, ORIGIN, creationOptions(challenge.text));
    expect(await verifyRegistration({ id: ceremony.credential.id, clientDataJSON: asserted.clientDataJSON, attestationObject: ceremony.credential.response.attestationObject }, { ...EXPECTED, challenge: challenge.bytes })).toEqual({ ok: false, error: "wrong_type" });
  });
});

describe("WebAuthn assertion checks", () => {
  it("accepts the registered key's signature and reports the counter", async () => {
    const { state, credential } = await registered();
    const challenge = freshChallenge();
    expect(await verifyAssertion(assertionAt(state, ORIGIN, challenge.text), { ...EXPECTED, challenge: challenge.bytes }, credential)).toEqual({ ok: true, value: { signCount: 1, backedUp: expect.any(Boolean) } });
  });

  it("refuses a signature by another key (a forged assertion for a known credential id)", async () => {
    const { credential } = await registered();
    const other = await registered();
    const challenge = freshChallenge();
    expect(await verifyAssertion(assertionAt(other.state, ORIGIN, challenge.text), { ...EXPECTED, challenge: challenge.bytes }, credential)).toEqual({ ok: false, error: "bad_signature" });
  });

  it("refuses authenticator data altered after signing", async () => {
    const { state, credential } = await registered();
    const challenge = freshChallenge();
    const asserted = assertionAt(state, ORIGIN, challenge.text);
    const data = decodeBase64Url(asserted.authenticatorData) ?? new Uint8Array();
    data[36] = (data[36] ?? 0) + 100;
    expect(await verifyAssertion({ ...asserted, authenticatorData: encodeBase64Url(data) }, { ...EXPECTED, challenge: challenge.bytes }, credential)).toEqual({ ok: false, error: "bad_signature" });
  });

  it("refuses an origin not on the list, even under the RP id", async () => {
    const { state, credential } = await registered();
    const challenge = freshChallenge();
    expect(await verifyAssertion(assertionAt(state, "https://evil.login.example.com", challenge.text), { ...EXPECTED, challenge: challenge.bytes }, credential)).toEqual({ ok: false, error: "wrong_origin" });
  });

  it("refuses an assertion without user verification", async () => {
    const { state, credential } = await registered();
    const challenge = freshChallenge();
    expect(await verifyAssertion(assertionAt(state, ORIGIN, challenge.text, { userVerified: false }), { ...EXPECTED, challenge: challenge.bytes }, credential)).toEqual({ ok: false, error: "user_not_verified" });
  });

  it("refuses text that is not base64url instead of throwing", async () => {
    const { credential } = await registered();
    expect(await verifyAssertion({ id: "x", clientDataJSON: "***", authenticatorData: "", signature: "" }, { ...EXPECTED, challenge: new Uint8Array(32) }, credential)).toEqual({ ok: false, error: "malformed" });
    expect(await verifyRegistration({ id: "x", clientDataJSON: "e30", attestationObject: "AAAA" }, { ...EXPECTED, challenge: new Uint8Array(32) })).toEqual({ ok: false, error: "malformed" });
  });
});
