import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Bundles a measured child script (`child.ts`, `brain-child.ts` here) with esbuild into
 * `tools/bench/out/<name>.mjs` and returns its path. The benches time plain node on this bundle,
 * as the built CLI runs, not tsx: tsx's loader alone adds ≈600 MB of RSS when it loads h5wasm's
 * 4 MB module. The output folder is git-ignored and h5wasm and apache-arrow stay external, so they
 * resolve from node_modules.
 */
export function bundleChild(script: string, name: string): string {
  const bundle = path.join(here, '..', 'out', `${name}.mjs`);
  execFileSync(path.join(here, '..', '..', '..', 'node_modules', '.bin', 'esbuild'), [
    path.join(here, script),
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--conditions=@voxelwise/source',
    '--external:h5wasm',
    '--external:apache-arrow',
    `--outfile=${bundle}`,
    '--log-level=warning',
  ]);
  return bundle;
}
