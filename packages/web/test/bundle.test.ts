import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the page bundle', () => {
  it('builds for the browser from the browser entries alone: no node:* module, no onnxruntime-node, no file readers', () => {
    const out = mkdtempSync(join(tmpdir(), 'vw-app-'));
    // platform: browser makes any node:* import in the page's module graph a build error.
    execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-app.mjs', import.meta.url)), out], { stdio: 'pipe' });
    const app = readFileSync(join(out, 'app.js'), 'utf8');
    // @voxelwise/downsample reaches its worker thread only at run time, through
    // `process.getBuiltinModule` (absent in a browser, so the page keeps one thread), and the
    // worker's own source is a string it evaluates in Node. Neither loads anything in the page;
    // any other mention of worker_threads would.
    const guarded = [/getBuiltinModule\?\.\(["']node:worker_threads["']\)/g, /require\(["']node:worker_threads["']\)/g];
    const rest = guarded.reduce((text, pattern) => text.replace(pattern, ''), app);
    for (const banned of ['onnxruntime-node', 'node:fs', 'node:worker_threads', 'h5wasm', 'apache-arrow'])
      expect(rest).not.toContain(banned);
    expect(readFileSync(join(out, 'sw.js'), 'utf8').length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<script type="module" src="app.js">');
  });
});
