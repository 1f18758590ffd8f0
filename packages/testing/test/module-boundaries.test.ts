import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The workspace's own lint rules, applied to probe sources that are never written to disk.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('package boundaries (eslint @nx/enforce-module-boundaries)', () => {
  beforeAll(async () => {
    // The rule reads Nx's cached project graph; build it so the test also runs outside `nx`.
    process.env['NX_DAEMON'] = 'false';
    await createProjectGraphAsync({ exitOnError: false });
  }, 120_000);

  it('fails when one plugin imports another', async () => {
    const messages = await lint(
      'packages/ridge/src/probe.ts',
      "import { zscore } from '@voxelwise/downsample';\nexport const f = zscore;\n",
    );
    expect(messages.join('\n')).toMatch(/scope:plugin.*can only depend on libs tagged with "scope:core"/);
  });

  it('fails when core imports a plugin', async () => {
    const messages = await lint('packages/core/src/probe.ts', "import { ridge } from '@voxelwise/ridge';\nexport const f = ridge;\n");
    expect(messages.length).toBeGreaterThan(0);
  });

  it('allows plugins and the trainer to import core and the shared helpers, and keeps plugins out of the trainer', async () => {
    expect(await lint('packages/ridge/src/probe.ts', "import { zeros } from '@voxelwise/core';\nexport const f = zeros;\n")).toEqual([]);
    expect(
      await lint('packages/ridge/src/probe.ts', "import { sha256Bytes } from '@voxelwise/io';\nexport const f = sha256Bytes;\n"),
    ).toEqual([]);
    expect(
      await lint('packages/trainer/src/probe.ts', "import { writeFileAtomic } from '@voxelwise/io';\nexport const f = writeFileAtomic;\n"),
    ).toEqual([]);
    // The trainer composes plugins through the registry, never by import (FIR and z-score live in core).
    const messages = await lint(
      'packages/trainer/src/probe.ts',
      "import { zscore } from '@voxelwise/downsample';\nexport const f = zscore;\n",
    );
    expect(messages.join('\n')).toMatch(/scope:trainer.*can only depend on libs tagged with/);
  });
});
