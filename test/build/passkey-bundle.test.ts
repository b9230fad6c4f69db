/**
 * WebAuthn verification lives in the issuer only: the gate, on every request's path, must
 * carry no WebAuthn library. Each library is recognised by text it cannot be minified out of.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../dev/build";

const MARKERS = {
  "@oslojs/webauthn": "Invalid client data JSON",
  "@simplewebauthn/server": "SimpleWebAuthnError",
} as const;

const outRoot = mkdtempSync(join(tmpdir(), "portcullis-passkey-bundles-"));
const bundles = { issuer: "", gate: "" };

beforeAll(() => {
  for (const worker of ["issuer", "gate"] as const) bundles[worker] = readFileSync(join(buildWorker(worker, join(outRoot, worker)), "index.js"), "utf8");
}, 120_000);

afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe("WebAuthn code in the bundles", () => {
  it("is in the issuer, as @oslojs/webauthn only", () => {
    expect(bundles.issuer).toContain(MARKERS["@oslojs/webauthn"]);
    expect(bundles.issuer).not.toContain(MARKERS["@simplewebauthn/server"]);
  });

  it("is not in the gate at all", () => {
    for (const marker of Object.values(MARKERS)) expect(bundles.gate).not.toContain(marker);
  });
});
