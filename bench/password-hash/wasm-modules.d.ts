// The Node-side typecheck (tsconfig.node.json) sees this worker without the Workers types, which declare these imports.
declare module "*.wasm" {
  const value: WebAssembly.Module;
  // eslint-disable-next-line no-restricted-syntax -- a bundler's module import has only a default export
  export default value;
}
