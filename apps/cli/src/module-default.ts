/**
 * The default export of an imported config or plugin module. A `.ts` file in a CommonJS project
 * (`"type": "commonjs"`) is compiled by tsx to CommonJS, so `export default x` becomes
 * `exports.default = x` and `import()` of it yields `{ default: { default: x, __esModule: true } }`
 * (Node wraps `module.exports` as the default export); this unwraps that second layer. See Node's
 * "Interoperability with CommonJS" (https://nodejs.org/api/esm.html#interoperability-with-commonjs).
 *
 * @returns the module's default export, or `undefined` when it has none
 */
export function moduleDefault(mod: unknown): unknown {
  if (typeof mod !== 'object' || mod === null) return undefined;
  const outer = (mod as { default?: unknown }).default;
  if (typeof outer === 'object' && outer !== null && 'default' in outer && isInteropNamespace(outer)) {
    return (outer as { default: unknown }).default;
  }
  return outer;
}

/**
 * A CommonJS `module.exports` that came from compiled ESM: it carries `__esModule` (set by tsx,
 * esbuild and tsc), or holds nothing but `default`.
 */
function isInteropNamespace(value: object): boolean {
  if ((value as { __esModule?: unknown }).__esModule === true) return true;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'default';
}

/**
 * A named export of an imported module, looked up on the module and, for a CommonJS module
 * compiled from ESM, on its wrapped exports.
 */
export function moduleExport(mod: unknown, name: string): unknown {
  if (typeof mod !== 'object' || mod === null) return undefined;
  const direct = (mod as Record<string, unknown>)[name];
  if (direct !== undefined) return direct;
  const outer = (mod as { default?: unknown }).default;
  return typeof outer === 'object' && outer !== null && isInteropNamespace(outer) ? (outer as Record<string, unknown>)[name] : undefined;
}
