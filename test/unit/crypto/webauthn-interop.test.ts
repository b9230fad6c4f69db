/**
 * Our WebAuthn checks against an independent relying-party implementation,
 * @simplewebauthn/server: for the same ceremonies, made by a software authenticator
 * (nid-webauthn-emulator), both must accept what is genuine and refuse what is forged.
 */
import { verifyAuthenticationResponse, verifyRegistrationResponse, type WebAuthnCredential } from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import { createCredential, EMPTY_AUTHENTICATOR, getAssertion, type AuthenticatorBehaviour, type AuthenticatorState } from "../../../dev/passkey/software-authenticator";
import { decodeBase64Url, encodeBase64Url } from "../../../shared/crypto/base64url";
import { verifyAssertion, verifyRegistration, type RegisteredCredential } from "../../../shared/crypto/webauthn-verification";

const RP_ID = "login.example.com";
const ORIGIN = "https://login.example.com";

type AssertionJson = ReturnType<typeof getAssertion>["credential"];

interface Registered {
  readonly state: AuthenticatorState;
  readonly ours: RegisteredCredential;
  readonly theirs: WebAuthnCredential;
}

function freshChallenge(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

function creationOptions(challenge: string) {
  return {
    rp: { id: RP_ID, name: "Example" },
    user: { id: encodeBase64Url(new TextEncoder().encode("usr_interop")), name: "interop", displayName: "interop" },
    challenge,
    pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -257 }],
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
    attestation: "none",
  } as never;
}

/** Registers one credential, verified by both implementations; each keeps the key its own way. */
async function registerWithBoth(behaviour: AuthenticatorBehaviour): Promise<Registered> {
  const challenge = freshChallenge();
  const { credential, state } = createCredential(EMPTY_AUTHENTICATOR, ORIGIN, creationOptions(challenge), behaviour);
  const ours = await verifyRegistration({ id: credential.id, ...credential.response }, { challenge: decodeBase64Url(challenge) ?? new Uint8Array(), rpId: RP_ID, origins: [ORIGIN] });
  const theirs = await verifyRegistrationResponse({
    response: credential,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
    supportedAlgorithmIDs: [-7, -257],
  });
  if (!ours.ok) throw new Error(`ours refused a genuine registration: ${ours.error}`);
  if (!theirs.verified || !theirs.registrationInfo) throw new Error("@simplewebauthn/server refused a genuine registration");
  expect(theirs.registrationInfo.credential.id).toBe(ours.value.credentialId);
  expect(theirs.registrationInfo.credential.counter).toBe(ours.value.signCount);
  return { state, ours: ours.value, theirs: theirs.registrationInfo.credential };
}

/** What each implementation says of one assertion: accepted (with the counter it read) or refused. */
async function verdicts(registered: Registered, assertion: AssertionJson, challenge: string, expected: { origin?: string; rpId?: string } = {}) {
  const origin = expected.origin ?? ORIGIN;
  const rpId = expected.rpId ?? RP_ID;
  const ours = await verifyAssertion(
    { id: assertion.id, clientDataJSON: assertion.response.clientDataJSON, authenticatorData: assertion.response.authenticatorData, signature: assertion.response.signature },
    { challenge: decodeBase64Url(challenge) ?? new Uint8Array(), rpId, origins: [origin] },
    registered.ours,
  );
  let theirs: number | "refused";
  try {
    const result = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      credential: { ...registered.theirs, counter: 0 },
      requireUserVerification: true,
    });
    theirs = result.verified ? result.authenticationInfo.newCounter : "refused";
  } catch {
    theirs = "refused";
  }
  return { ours: ours.ok ? ours.value.signCount : "refused", theirs };
}

function assertionFrom(state: AuthenticatorState, challenge: string, origin = ORIGIN, behaviour: AuthenticatorBehaviour = {}, rpId = RP_ID): AssertionJson {
  return getAssertion(state, origin, { challenge, rpId, allowCredentials: [], userVerification: "required" }, behaviour).credential;
}

describe("WebAuthn checks agree with @simplewebauthn/server", () => {
  it.each(["ES256", "RS256"] as const)("both accept a genuine %s registration and its assertion, reading the same counter", async (algorithm) => {
    const registered = await registerWithBoth({ algorithm });
    const challenge = freshChallenge();
    expect(await verdicts(registered, assertionFrom(registered.state, challenge), challenge)).toEqual({ ours: 1, theirs: 1 });
  });

  it("both refuse an assertion made on a look-alike origin under the RP id", async () => {
    const registered = await registerWithBoth({});
    const challenge = freshChallenge();
    expect(await verdicts(registered, assertionFrom(registered.state, challenge, "https://evil.login.example.com"), challenge)).toEqual({ ours: "refused", theirs: "refused" });
  });

  it("both refuse an assertion for another challenge (a replay of an old ceremony)", async () => {
    const registered = await registerWithBoth({});
    const old = freshChallenge();
    expect(await verdicts(registered, assertionFrom(registered.state, old), freshChallenge())).toEqual({ ours: "refused", theirs: "refused" });
  });

  it("both refuse an assertion without user verification", async () => {
    const registered = await registerWithBoth({});
    const challenge = freshChallenge();
    expect(await verdicts(registered, assertionFrom(registered.state, challenge, ORIGIN, { userVerified: false }), challenge)).toEqual({ ours: "refused", theirs: "refused" });
  });

  it("both refuse authenticator data altered after signing (a raised counter)", async () => {
    const registered = await registerWithBoth({ algorithm: "RS256" });
    const challenge = freshChallenge();
    const genuine = assertionFrom(registered.state, challenge);
    const data = decodeBase64Url(genuine.response.authenticatorData) ?? new Uint8Array();
    data[36] = (data[36] ?? 0) + 100;
    const altered = { ...genuine, response: { ...genuine.response, authenticatorData: encodeBase64Url(data) } };
    expect(await verdicts(registered, altered, challenge)).toEqual({ ours: "refused", theirs: "refused" });
  });

  it("both refuse a signature by another authenticator's key for this credential id", async () => {
    const registered = await registerWithBoth({});
    const other = await registerWithBoth({});
    const challenge = freshChallenge();
    const forged = { ...assertionFrom(other.state, challenge), id: registered.ours.credentialId, rawId: registered.ours.credentialId };
    expect(await verdicts(registered, forged, challenge)).toEqual({ ours: "refused", theirs: "refused" });
  });

  it("both refuse an assertion checked against another RP id", async () => {
    const registered = await registerWithBoth({});
    const challenge = freshChallenge();
    expect(await verdicts(registered, assertionFrom(registered.state, challenge), challenge, { rpId: "example.com" })).toEqual({ ours: "refused", theirs: "refused" });
  });
});
