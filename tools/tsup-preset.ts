import type { Options } from 'tsup';

/** The one build preset every package uses: ESM + .d.ts from src/index.ts. */
export function preset(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}
