import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext, pearson } from '@voxelwise/core';
import { findChromium, readNpy } from '@voxelwise/io';
import { readRunJson, readTimeseries, train } from '@voxelwise/trainer';
import { checkWebExport } from '@voxelwise/web';
import type { WebManifest } from '@voxelwise/web';
import { createDefaultRegistry, demoConfig, prepareDemo } from '../src/index.js';
import { importWeb } from '../src/commands/export-web.js';
import { runCli } from './run-cli.js';

const TEXT =
  'The old lighthouse keeper climbed the stairs every night to light the lamp. ' +
  'Ships passed the rocks below, and nobody on board ever knew his name, but he waved at each of them anyway.';
const buildApp = fileURLToPath(new URL('../../../packages/web/scripts/build-app.mjs', import.meta.url));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('voxelwise predict and export web (the demo run, tiny GPT-2 bundled)', () => {
  let root: string;
  let runDir: string;
  let textFile: string;
  let reference: Float32Array;
  let nTRs: number;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vw-web-'));
    execFileSync(process.execPath, [buildApp], { stdio: 'ignore' });
    const cacheDir = join(root, 'cache');
    const prepared = await prepareDemo({ cacheDir });
    const result = await train(
      demoConfig({ modelDir: prepared.modelDir, outDir: join(root, 'results'), cacheDir, voxels: 60, stories: 3, duration: 160 }),
      {
        registry: await createDefaultRegistry(),
      },
    );
    runDir = result.runDir;
    textFile = join(root, 'story.txt');
    writeFileSync(textFile, TEXT);
    const npy = join(root, 'pred.npy');
    const r = await runCli(['predict', runDir, '--text', textFile, '--rate', '2.5', '--out', npy]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const P = readNpy(readFileSync(npy), npy);
    reference = Float32Array.from(P.data);
    nTRs = P.rows;
    expect(P.cols).toBe(60);
  }, 240_000);

  it('predict writes a CSV with the TR grid: centres tr/2 + k·tr through the last word plus the longest delay', async () => {
    const csv = join(root, 'pred.csv');
    expect((await runCli(['predict', runDir, '--text', textFile, '--out', csv])).code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    const words = TEXT.split(/\s+/).length;
    // 34 words at 2.5 words/s: the last at 13.4 s → TRs 0..6 (TR 2 s), plus 4 delays.
    expect(words).toBe(34);
    expect(lines).toHaveLength(1 + nTRs);
    expect(nTRs).toBe(7 + 4);
    expect(lines[1]!.split(',')[0]).toBe('1');
    const first = lines[1]!.split(',').slice(1).map(Number);
    expect(maxAbsDiff(first, reference.subarray(0, 60))).toBeLessThan(1e-6);
  });

  it("predict on the test story's own timed words reproduces the run's stored test predictions (r > 0.999 per voxel)", async () => {
    // The same pipeline as the trainer's, up to the rows z-scoring sees: the run z-scored the test
    // story over its kept TRs, predict over every TR of its own grid (centres tr/2 + k·tr).
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as {
      cacheDir: string;
      assembly: { name: string; options: object };
    };
    const registry = await createDefaultRegistry();
    const ctx = createContext({ cacheDir: config.cacheDir, registry });
    const assembly = await (await registry.create('assembly-source', config.assembly as never, ctx)).load(ctx);
    const run = await readRunJson(runDir);
    const name = (run.split as { test: string[] }).test[0]!;
    const story = await assembly.story(name);
    const w = story.words;
    const tsv = join(root, 'test-story.tsv');
    writeFileSync(tsv, ['word\tonset\toffset', ...w.text.map((t, i) => `${t}\t${w.onset[i]}\t${w.offset[i]}`)].join('\n'));
    const npy = join(root, 'test-story.npy');
    expect((await runCli(['predict', runDir, '--words', tsv, '--out', npy])).code).toBe(0);
    const P = readNpy(readFileSync(npy), npy);
    const ts = await readTimeseries(join(runDir, run.files.timeseries!));
    const tr = run.assembly.tr!;
    const voxels = [...new Set(ts.voxel)];
    expect(voxels.length).toBeGreaterThan(0);
    for (const v of voxels) {
      const stored: number[] = [];
      const ours: number[] = [];
      ts.voxel.forEach((vv, i) => {
        if (vv !== v || ts.story[i] !== name) return;
        const t = story.trTimes[ts.tr[i]!]!;
        const k = Math.round((t - tr / 2) / tr);
        if (k < 0 || k >= P.rows || Math.abs(tr / 2 + k * tr - t) > 1e-6) return;
        stored.push(ts.predicted[i]!);
        ours.push(P.data[k * P.cols + v]!);
      });
      expect(stored.length, `voxel ${v}`).toBeGreaterThan(20);
      expect(pearson(stored, ours), `voxel ${v}`).toBeGreaterThan(0.999);
    }
  }, 240_000);

  it.skipIf(!findChromium())(
    'the exported page, served from 127.0.0.1, predicts what voxelwise predict does (float32 weights, ≤ 1e-4), with no console error and no request elsewhere, again offline after a reload, and on threads when cross-origin isolated',
    async () => {
      const site = join(root, 'site32');
      const r = await runCli(['export', 'web', runDir, '--out', site, '--dtype', 'float32']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(site, 'web.json'), 'utf8')) as WebManifest;
      expect(manifest.features.layer).toBe(2);
      expect(manifest.features.nOutputs).toBe(3);
      expect(manifest.weights).toMatchObject({ kind: 'dense', dtype: 'float32', keptVariance: 1 });
      const seen = await checkWebExport(site, { inputs: [{ text: TEXT, wordsPerSecond: 2.5 }], offline: true });
      expect(seen.errors).toEqual([]);
      expect(seen.external).toEqual([]);
      expect(seen.requests.length).toBeGreaterThan(0);
      for (const url of seen.requests) expect(url.startsWith('http://127.0.0.1:')).toBe(true);
      // onnxruntime-web's WASM came from the folder, not a CDN.
      expect(seen.requests.some((u) => u.endsWith('/ort/ort-wasm-simd-threaded.asyncify.wasm'))).toBe(true);
      expect(seen.backend).toBe('wasm');
      const p = seen.predictions[0]!;
      expect([p.rows, p.cols, p.words]).toEqual([nTRs, 60, 34]);
      expect(maxAbsDiff(p.data, reference)).toBeLessThanOrEqual(1e-4);
      // Loaded once, the page works offline: the server stopped, a reload predicts the same numbers.
      expect(seen.offlinePrediction?.data).toEqual(p.data);
      // Served with COOP/COEP, the page is cross-origin isolated and onnxruntime-web runs threads.
      const isolated = await checkWebExport(site, { inputs: [{ text: TEXT, wordsPerSecond: 2.5 }], crossOriginIsolated: true });
      expect(isolated.errors).toEqual([]);
      expect(isolated.external).toEqual([]);
      expect(isolated.threads).toBe(Math.min(4, availableParallelism()));
      expect(maxAbsDiff(isolated.predictions[0]!.data, reference)).toBeLessThanOrEqual(1e-4);
    },
    240_000,
  );

  it.skipIf(!findChromium())(
    'float16 weights stay within float16 rounding of the exact prediction; rank auto keeps ≥ 99 % of ‖W‖² at a lower rank',
    async () => {
      const scale = maxAbsDiff(reference, new Float32Array(reference.length));
      const half = join(root, 'site16');
      expect((await runCli(['export', 'web', runDir, '--out', half])).code).toBe(0);
      const dense = await checkWebExport(half, { inputs: [{ text: TEXT, wordsPerSecond: 2.5 }] });
      expect(dense.errors).toEqual([]);
      expect(dense.external).toEqual([]);
      // float16 keeps 11 bits: each weight within 2^-11 relative, the sum over features much closer.
      expect(maxAbsDiff(dense.predictions[0]!.data, reference)).toBeLessThan(2e-3 * scale);
      const low = join(root, 'site-low');
      const r = await runCli(['export', 'web', runDir, '--out', low, '--rank', 'auto', '--keep', '0.99']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/low-rank rank \d+ float16, kept variance 0\.99/);
      const manifest = JSON.parse(readFileSync(join(low, 'web.json'), 'utf8')) as WebManifest;
      expect(manifest.weights.kind).toBe('low-rank');
      expect(manifest.weights.keptVariance).toBeGreaterThanOrEqual(0.99);
      expect(manifest.weights.rank!).toBeLessThan(Math.min(manifest.weights.nVoxels, manifest.weights.nFeatures));
      const seen = await checkWebExport(low, { inputs: [{ text: TEXT, wordsPerSecond: 2.5 }] });
      expect(seen.errors).toEqual([]);
      expect(pearson(seen.predictions[0]!.data, reference)).toBeGreaterThan(0.9);
    },
    240_000,
  );

  it('refuses a missing run, extractors the page cannot compute and runs without lm, naming them; web missing gives the install line', async () => {
    const r = await runCli(['export', 'web', join(root, 'nowhere'), '--out', join(root, 'x')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/run\.json/);
    const missing = importWeb('voxelwise export web', () =>
      Promise.reject(Object.assign(new Error('missing'), { code: 'ERR_MODULE_NOT_FOUND' })),
    );
    await expect(missing).rejects.toMatchObject({ code: 'E_MODEL_LOAD', message: expect.stringMatching(/npm install @voxelwise\/web/) });
    // A run whose extractors the page cannot compute, and one with no lm extractor at all.
    const edited = (name: string, features: unknown[]): string => {
      const dir = join(root, name);
      cpSync(runDir, dir, { recursive: true });
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), features }));
      return dir;
    };
    const lm = (JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as { features: Array<{ name: string }> }).features.find(
      (f) => f.name === 'lm',
    );
    const foreign = await runCli([
      'export',
      'web',
      edited('run-embeddings', [lm, { name: 'embeddings', options: { file: 'x.npy' } }]),
      '--out',
      join(root, 'y'),
    ]);
    expect(foreign.code).toBe(2);
    expect(foreign.err).toMatch(/E_CONFIG_INVALID.*extractor embeddings, which the page cannot compute/);
    const noLm = await runCli([
      'predict',
      edited('run-wordrate', [{ name: 'wordrate', options: {} }]),
      '--text',
      textFile,
      '--out',
      join(root, 'z.npy'),
    ]);
    expect(noLm.code).toBe(2);
    expect(noLm.err).toMatch(/with no lm extractor/);
    expect((await runCli(['predict', runDir, '--out', join(root, 'p.npy')])).code).toBe(2);
    expect((await runCli(['predict', runDir, '--text', textFile, '--out', join(root, 'p.txt')])).code).toBe(2);
  });
});
