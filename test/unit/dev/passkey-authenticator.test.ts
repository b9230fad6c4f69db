import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultOrigin, runPasskeyCli } from "../../../dev/passkey-authenticator";
import { decodeBase64Url, encodeBase64Url } from "../../../shared/crypto/base64url";
import { verifyAssertion, verifyRegistration } from "../../../shared/crypto/webauthn-verification";

const ORIGIN = "http://localhost:8787";
const challenge = () => encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));

function creationAnswer(value: string) {
  return {
    challenge_id: "wac_test",
    options: {
      rp: { id: "localhost", name: "Demo" },
      user: { id: encodeBase64Url(new TextEncoder().encode("usr_demo")), name: "demo", displayName: "demo" },
      challenge: value,
      pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -257 }],
      authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
      attestation: "none",
    },
  };
}

describe("the dev passkey authenticator (npm run passkey)", () => {
  it("creates a passkey the issuer's checks accept, keeps it in its state file, and signs in with it in a later run", async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), "passkey-")), "state.json");
    const registrationChallenge = challenge();
    const created = JSON.parse(runPasskeyCli({ args: ["create"], input: JSON.stringify(creationAnswer(registrationChallenge)), stateFile })) as { challenge_id: string; credential: { id: string; response: { clientDataJSON: string; attestationObject: string } } };
    expect(created.challenge_id).toBe("wac_test");
    expect(existsSync(stateFile)).toBe(true);
    const expected = { rpId: "localhost", origins: [ORIGIN] };
    const registered = await verifyRegistration({ id: created.credential.id, ...created.credential.response }, { ...expected, challenge: decodeBase64Url(registrationChallenge) ?? new Uint8Array() });
    if (!registered.ok) throw new Error(registered.error);

    // A new run reads the key back from the file; the options alone (no challenge_id) give the credential alone.
    const signInChallenge = challenge();
    const asserted = JSON.parse(runPasskeyCli({ args: ["get", "--origin", ORIGIN], input: JSON.stringify({ challenge: signInChallenge, rpId: "localhost", allowCredentials: [], userVerification: "required" }), stateFile })) as { id: string; response: { clientDataJSON: string; authenticatorData: string; signature: string } };
    expect(asserted.id).toBe(created.credential.id);
    const verified = await verifyAssertion({ id: asserted.id, ...asserted.response }, { ...expected, challenge: decodeBase64Url(signInChallenge) ?? new Uint8Array() }, registered.value);
    expect(verified).toEqual({ ok: true, value: { signCount: 1, backedUp: expect.any(Boolean) } });
    expect(Object.keys((JSON.parse(readFileSync(stateFile, "utf8")) as { credentials: object }).credentials)).toHaveLength(1);
  });

  it("defaults to the issuer's port on localhost, since WebAuthn takes no IP address as RP id", () => {
    expect(defaultOrigin({})).toBe("http://localhost:8787");
    expect(defaultOrigin({ ISSUER_PORT: "9787" })).toBe("http://localhost:9787");
  });

  it("explains its usage and refuses input that is not the issuer's options", () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), "passkey-")), "state.json");
    expect(() => runPasskeyCli({ args: ["sign"], input: "{}", stateFile })).toThrow("usage: npm run passkey");
    expect(() => runPasskeyCli({ args: ["create"], input: "not json", stateFile })).toThrow("stdin must be the JSON");
    expect(() => runPasskeyCli({ args: ["create", "--algorithm", "HS256"], input: "{}", stateFile })).toThrow("--algorithm");
  });
});
