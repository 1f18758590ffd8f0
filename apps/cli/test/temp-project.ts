import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The `voxelwise` launcher that npm links into node_modules/.bin. */
const launcher = join(repoRoot, 'apps', 'cli', 'bin', 'voxelwise.js');

/** zod's package folder, linked into temp projects so their plugins can build option schemas. */
const zodDir = dirname(createRequire(import.meta.url).resolve('zod/package.json'));

/**
 * A plugin module's source: one word-level extractor `ones` (a column of ones) with an integer
 * option `width` (default 2). It writes `marker` when imported, so a test can tell whether its
 * code ran.
 */
export function pluginSource(name: string, marker: string): string {
  return `import { writeFileSync } from 'node:fs';
import { z } from 'zod';

writeFileSync(${JSON.stringify(marker)}, 'imported');

const options = z.object({ width: z.number().int().min(1).default(2) }).strict();

export default {
  name: ${JSON.stringify(name)},
  stages: [
    {
      kind: 'extractor',
      name: 'ones',
      description: 'A column of ones per word (test plugin).',
      options,
      create: ({ width }) => ({
        id: 'ones',
        level: 'word',
        async extract(story) {
          const rows = story.words.text.length;
          return { level: 'word', data: { rows, cols: width, data: new Float32Array(rows * width).fill(1) } };
        },
      }),
    },
  ],
};
`;
}

const created: string[] = [];

/** Removes the folders {@link tempProject} made (the zod link, not zod). */
export function removeTempProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh folder with a package.json of the given module type and zod in its node_modules. */
export function tempProject(type: 'module' | 'commonjs'): string {
  const dir = mkdtempSync(join(tmpdir(), `vw-project-${type}-`));
  created.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(zodDir, join(dir, 'node_modules', 'zod'), 'dir');
  return dir;
}

/**
 * Installs a plugin package into `project/node_modules/<name>` that exports only under the
 * `import` condition (as many ESM-only packages do), where the CLI's own location cannot see it.
 */
export function installPluginPackage(project: string, name: string, marker: string): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': { import: './index.js' } } }),
  );
  writeFileSync(join(dir, 'index.js'), pluginSource(name, marker));
}

/** Runs the launcher as a user's shell would, in `cwd`, from the TypeScript sources. */
export function voxelwise(
  args: string[],
  cwd: string,
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
