import { defineConfig } from 'vitest/config';

/** Shared vitest settings: resolve workspace packages to their TypeScript sources. */
export function vitestPreset(extra: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ['@voxelwise/source'] },
    ssr: { resolve: { conditions: ['@voxelwise/source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 60_000,
      pool: 'forks',
      typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  });
}
