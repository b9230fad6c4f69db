/**
 * Production Workers cap key derivation (PBKDF2 at 100,000 iterations, scrypt
 * at N·r·p ≤ 2^20) and refuse WebAssembly compiled from bytes at run time;
 * local workerd enforces only the last. This setup file makes every workerd
 * test run under all of them, so code that would fail in production fails here.
 */
export const PBKDF2_MAX_ITERATIONS = 100_000;
export const SCRYPT_MAX_COST = 2 ** 20;

export class ProductionLimitError extends Error {
  override name = "ProductionLimitError";
}

/** Throws when a derivation's parameters exceed what production Workers allow. */
export function assertDerivationWithinLimits(algorithm: unknown): void {
  if (typeof algorithm !== "object" || algorithm === null) return;
  const { name, iterations, N, r, p } = algorithm as { name?: unknown; iterations?: unknown; N?: unknown; r?: unknown; p?: unknown };
  const upper = typeof name === "string" ? name.toUpperCase() : "";
  if (upper === "PBKDF2" && typeof iterations === "number" && iterations > PBKDF2_MAX_ITERATIONS) {
    throw new ProductionLimitError(`PBKDF2 with ${iterations} iterations: production Workers allow at most ${PBKDF2_MAX_ITERATIONS}`);
  }
  if (upper === "SCRYPT" && [N, r, p].every((value) => typeof value === "number") && (N as number) * (r as number) * (p as number) > SCRYPT_MAX_COST) {
    throw new ProductionLimitError(`scrypt with N·r·p = ${(N as number) * (r as number) * (p as number)}: production Workers allow at most 2^20`);
  }
}

function refuseRuntimeWasm(what: string): never {
  throw new ProductionLimitError(`${what}: production Workers refuse WebAssembly compiled from bytes at run time; import the .wasm as a module`);
}

const subtle = crypto.subtle;
const deriveBits = subtle.deriveBits.bind(subtle);
const deriveKey = subtle.deriveKey.bind(subtle);
Object.assign(subtle, {
  deriveBits: (algorithm: Parameters<SubtleCrypto["deriveBits"]>[0], ...rest: [CryptoKey, (number | null)?]) => {
    assertDerivationWithinLimits(algorithm);
    return deriveBits(algorithm, ...rest);
  },
  deriveKey: (algorithm: Parameters<SubtleCrypto["deriveKey"]>[0], ...rest: Parameters<SubtleCrypto["deriveKey"]> extends [unknown, ...infer Rest] ? Rest : never) => {
    assertDerivationWithinLimits(algorithm);
    return deriveKey(algorithm, ...rest);
  },
});

const wasm = WebAssembly as unknown as Record<string, unknown>;
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
Object.assign(wasm, {
  compile: () => refuseRuntimeWasm("WebAssembly.compile"),
  compileStreaming: () => refuseRuntimeWasm("WebAssembly.compileStreaming"),
  instantiateStreaming: () => refuseRuntimeWasm("WebAssembly.instantiateStreaming"),
  // A module imported with the bundle may still be instantiated; bytes may not.
  instantiate: (source: WebAssembly.Module | BufferSource, imports?: WebAssembly.Imports) => (source instanceof WebAssembly.Module ? instantiate(source, imports) : refuseRuntimeWasm("WebAssembly.instantiate from bytes")),
  Module: new Proxy(WebAssembly.Module, { construct: () => refuseRuntimeWasm("new WebAssembly.Module") }),
});
