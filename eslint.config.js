import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.nx/**',
      '**/results/**',
      '**/.voxelwise-cache/**',
      '**/*.d.ts',
      'tools/bench/out/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['{packages,apps,examples}/*/{src,test}/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Package boundaries: core depends on nothing of ours; shared helpers on core and each other
      // (neuroimaging reads files through io; tools/check-cycles.mjs keeps them acyclic); plugins and
      // the trainer on core and shared (the trainer composes plugins through the registry, never by
      // import); the CLI may use everything.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared'] },
            { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared'] },
            { sourceTag: 'scope:plugin', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:testing'] },
            { sourceTag: 'scope:trainer', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:testing'] },
            // The sweep runs cells through the trainer's public API or the CLI, never a plugin.
            { sourceTag: 'scope:sweep', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:trainer'] },
            // The web export composes plugins' browser entries and the trainer's run readers; the CLI imports it.
            {
              sourceTag: 'scope:web',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:plugin', 'scope:trainer', 'scope:testing'],
            },
            {
              sourceTag: 'scope:app',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:plugin', 'scope:trainer', 'scope:sweep', 'scope:web'],
            },
            {
              // An example is a user's project: it may run the CLI (which holds the built-in registry).
              sourceTag: 'scope:example',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:plugin', 'scope:trainer', 'scope:testing', 'scope:app'],
            },
          ],
          banTransitiveDependencies: false,
        },
      ],
    },
  },
  {
    // Tests of the shared file-format library use the testing helpers (its shipped code never does).
    files: ['packages/neuroimaging/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [{ sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:testing'] }],
          banTransitiveDependencies: false,
        },
      ],
    },
  },
  {
    // The trainer's own tests compose real plugins (its shipped code never imports them).
    files: ['packages/trainer/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:trainer', onlyDependOnLibsWithTags: ['scope:core', 'scope:shared', 'scope:plugin', 'scope:testing'] },
          ],
          banTransitiveDependencies: false,
        },
      ],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@huggingface/*', 'onnxruntime-*', 'apache-arrow', 'h5wasm', 'ml-matrix'],
              message: '@voxelwise/core must stay free of heavy dependencies.',
            },
          ],
        },
      ],
    },
  },
);
