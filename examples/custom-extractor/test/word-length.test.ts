import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext, memoryStory, toRows } from '@voxelwise/core';
import { describeExtractorConformance } from '@voxelwise/testing';
import { createDefaultRegistry } from '@voxelwise/cli';
import { train } from '@voxelwise/trainer';
import wordLengthPlugin, { wordLength } from '../src/index.js';

const root = join(import.meta.dirname, '..');
const configPath = join(root, 'voxelwise.config.json');

/** Runs the real `voxelwise` command (apps/cli/src/bin.ts through tsx, as `npm run voxelwise` does). */
function voxelwise(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const bin = join(dirname(createRequire(import.meta.url).resolve('@voxelwise/cli/package.json')), 'src', 'bin.ts');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=@voxelwise/source', '--import', 'tsx', bin, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('word-length extractor', () => {
  it('counts letters and digits, 0 for empty words, log1p on request', async () => {
    const text = ['The', '', "don't", 'cat.', '42'];
    const t = Float64Array.from(text, (_, i) => i);
    const story = memoryStory({
      name: 's',
      words: { text, onset: t, offset: t },
      trTimes: Float64Array.of(1, 3),
      trim: { start: 0, end: 0 },
      responses: { rows: 2, cols: 1, data: new Float32Array(2) },
    });
    const plain = await wordLength.create(wordLength.options.parse({}), createContext());
    expect(toRows((await plain.extract(story, createContext())).data)).toEqual([[3], [0], [4], [3], [2]]);
    const log = await wordLength.create(wordLength.options.parse({ log: true }), createContext());
    expect((await log.extract(story, createContext())).data.data[0]).toBeCloseTo(Math.log(4), 6);
  });
});

describeExtractorConformance('word-length (example plugin)', {
  create: () => wordLength.create(wordLength.options.parse({}), createContext()),
});

describe('the example plugin runs end to end', () => {
  const { plugins, ...config } = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;

  it('registers on the default registry and trains', async () => {
    expect(plugins).toEqual(['./src/index.ts']);
    const outDir = mkdtempSync(join(tmpdir(), 'vw-example-'));
    const registry = (await createDefaultRegistry()).use(wordLengthPlugin());
    expect(registry.names('extractor')).toContain('word-length');
    const result = await train({ ...config, outDir }, { registry });
    expect(Number.isFinite(result.metrics['median_score'] as number)).toBe(true);
    expect(existsSync(join(result.runDir, 'metrics.json'))).toBe(true);
    expect(readFileSync(join(result.runDir, 'config.json'), 'utf8')).toContain('"word-length"');
  });

  it('runs through `voxelwise train` with the plugin listed in the config', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'vw-example-cli-'));
    const r = await voxelwise(['train', '--config', configPath, '--out', outDir]);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toContain('median r');
    const runs = readdirSync(outDir).filter((f) => f.startsWith('word-length-'));
    expect(runs).toHaveLength(1);
    expect(readFileSync(join(outDir, runs[0]!, 'config.json'), 'utf8')).toContain('"word-length"');
  });

  it('takes the plugin from --plugin, and exits 2 naming a plugin it cannot find', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-example-flag-'));
    const bare = join(dir, 'run.json');
    writeFileSync(bare, JSON.stringify({ ...config, outDir: dir }));
    // Without the plugin, the stage is unknown; with --plugin (relative to the working directory) it runs.
    const missing = await voxelwise(['train', '--config', bare]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('E_STAGE_UNKNOWN');
    const flagged = await voxelwise(['train', '--config', bare, '--plugin', './src/index.ts']);
    expect(flagged.err).not.toMatch(/error/i);
    expect(flagged.code).toBe(0);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ ...config, plugins: ['./nope.ts'], outDir: dir }));
    const notFound = await voxelwise(['train', '--config', wrong]);
    expect(notFound.code).toBe(2);
    expect(notFound.err).toContain('plugin "./nope.ts" cannot be found');
    const notAPlugin = join(dir, 'not-a-plugin.mjs');
    writeFileSync(notAPlugin, 'export default 42;\n');
    const rejected = await voxelwise(['train', '--config', bare, '--plugin', notAPlugin]);
    expect(rejected.code).toBe(2);
    expect(rejected.err).toContain('does not export a plugin');
  });
});
