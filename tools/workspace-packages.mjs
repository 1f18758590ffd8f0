// The workspace's packages, read from the root package.json `workspaces` globs (one level: `packages/*`).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `tools/`). */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/**
 * Every workspace package: `{ dir, rel, manifest, publishable }`, sorted by folder.
 * `publishable` is false for `"private": true` packages (the examples).
 */
export function workspacePackages(root = ROOT) {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = [];
  for (const glob of rootManifest.workspaces ?? []) {
    if (!glob.endsWith('/*')) throw new Error(`workspace glob ${glob} is not of the form <folder>/*`);
    const parent = glob.slice(0, -2);
    if (!existsSync(join(root, parent))) continue;
    for (const name of readdirSync(join(root, parent)).sort()) {
      const rel = `${parent}/${name}`;
      const file = join(root, rel, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      out.push({ dir: join(root, rel), rel, manifest, publishable: manifest.private !== true });
    }
  }
  return out;
}
