// @ts-check
/**
 * Node module hooks that load a `.wasm` import the way workerd and wrangler do: the default
 * export is a compiled `WebAssembly.Module`. Lets Node scripts import worker code that bundles
 * WebAssembly (the Argon2id password hash), such as the API description generator.
 */
import { readFile } from "node:fs/promises";

/** @type {import("node:module").LoadHook} */
export async function load(url, context, nextLoad) {
  if (!url.endsWith(".wasm")) return nextLoad(url, context);
  const base64 = (await readFile(new URL(url))).toString("base64");
  return {
    format: "module",
    shortCircuit: true,
    source: `export default new WebAssembly.Module(Buffer.from(${JSON.stringify(base64)}, "base64"));`,
  };
}
