#!/usr/bin/env node
// Bundles the page (src/app/main.ts) with esbuild into dist/app: app.js, index.html, app.css.
// `platform: 'browser'` makes any node:* import in the page's graph a build error, which is how
// the packages' browser entries are kept free of Node. The sources are bundled through the
// @voxelwise/source condition, so no workspace package needs a build first.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = process.argv[2] ?? join(root, 'dist', 'app');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'app', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  conditions: ['@voxelwise/source'],
  logLevel: 'warning',
});
// The service worker is its own script (a worker cannot be part of the page's module).
await build({
  entryPoints: [join(root, 'src', 'app', 'sw.ts')],
  outfile: join(out, 'sw.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css']) copyFileSync(join(root, 'src', 'app', f), join(out, f));
process.stdout.write(`app ${join(out, 'app.js')} ${(statSync(join(out, 'app.js')).size / 1e6).toFixed(2)} MB\n`);
