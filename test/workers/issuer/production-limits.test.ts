/**
 * The production caps that local workerd does not enforce are enforced for
 * every workerd test by test/support/production-limits.ts; these tests show
 * the guard is in force, so a suite that passes says the caps were respected.
 */
import { describe, expect, it } from "vitest";
import { PBKDF2_MAX_ITERATIONS, ProductionLimitError } from "../../support/production-limits";

async function pbkdf2(iterations: number): Promise<ArrayBuffer> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("password"), "PBKDF2", false, ["deriveBits"]);
  return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16), iterations }, key, 256);
}

// The smallest valid module: the magic number and version.
const EMPTY_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
// Workers' types leave out what the platform refuses; the test reaches for it anyway.
const wasm = WebAssembly as unknown as {
  compile(bytes: BufferSource): Promise<unknown>;
  instantiate(bytes: BufferSource): Promise<unknown>;
  Module: new (bytes: BufferSource) => unknown;
};

describe("production limits in the test runtime", () => {
  it("lets PBKDF2 run at the production cap and refuses one iteration more", async () => {
    expect((await pbkdf2(PBKDF2_MAX_ITERATIONS)).byteLength).toBe(32);
    await expect(pbkdf2(PBKDF2_MAX_ITERATIONS + 1)).rejects.toThrow(ProductionLimitError);
  });

  it("refuses WebAssembly compiled from bytes at run time", async () => {
    await expect(Promise.resolve().then(() => wasm.compile(EMPTY_WASM))).rejects.toThrow(/WebAssembly/);
    await expect(Promise.resolve().then(() => wasm.instantiate(EMPTY_WASM))).rejects.toThrow(/WebAssembly/);
    expect(() => new wasm.Module(EMPTY_WASM)).toThrow(/WebAssembly/);
  });
});
