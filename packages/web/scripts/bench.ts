// Sizes and timings of web exports, for the README: bundle sizes (app, runtime, model, weights at
// each rank), time to first prediction and time per 100 words in headless Chromium, for the demo's
// tiny GPT-2 and for a GPT-2-small-sized random model (built here with createTinyGpt2 at 12 × 768,
// never committed). Run: npx tsx --conditions @voxelwise/source scripts/bench.ts [workdir]
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@voxelwise/core';
import { createTinyGpt2 } from '@voxelwise/features-lm';
import { readRunJson, train, writeWeights } from '@voxelwise/trainer';
import { createDefaultRegistry, demoConfig, prepareDemo } from '../../../apps/cli/src/index.js';
import { checkWebExport, exportWeb } from '../src/index.js';
import type { ExportWebOptions } from '../src/index.js';

const PARAGRAPH =
  'I had never seen the sea before that summer. We drove all night, and when the sun came up the water was there, flat and silver, ' +
  'and my father stopped the car so we could look at it. Nobody spoke for a long time. Then my sister laughed, because a gull had landed ' +
  'on the hood and was staring at us through the glass as if we were the strange ones. ';
const words = PARAGRAPH.split(/\s+/).filter(Boolean);
const text = (n: number, offset = 0): string => Array.from({ length: n }, (_, i) => words[(i + offset) % words.length]).join(' ');

const work = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'vw-web-bench-'));
const mb = (n = 0): string => (n / 1e6).toFixed(2);
const out: string[] = [];
const log = (s: string): void => {
  out.push(s);
  process.stdout.write(`${s}\n`);
};
log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);

const cacheDir = join(work, 'cache');
const prepared = await prepareDemo({ cacheDir });
const result = await train(demoConfig({ modelDir: prepared.modelDir, outDir: join(work, 'results'), cacheDir }), {
  registry: await createDefaultRegistry(),
});
log(`demo run ${result.runId}`);

log('\n| export of the demo run | weights | kept ‖W‖² | weights MB | model MB | app MB | runtime MB |');
log('| --- | --- | --- | --- | --- | --- | --- |');
const variants: Array<[string, ExportWebOptions]> = [
  ['float32, full', { dtype: 'float32' }],
  ['float16, full (default)', {}],
  ['float16, rank auto (keep 0.99)', { rank: 'auto', keep: 0.99 }],
  ['float16, rank auto (keep 0.9)', { rank: 'auto', keep: 0.9 }],
  ['float16, rank 8', { rank: 8 }],
];
for (const [label, options] of variants) {
  const dir = join(work, `site-${label.replace(/[^a-z0-9]+/gi, '-')}`);
  const { manifest } = await exportWeb(result.runDir, dir, options);
  const w = manifest.weights;
  log(
    `| ${label} | ${w.kind === 'dense' ? `${w.nFeatures} × ${w.nVoxels}` : `rank ${w.rank}`} | ${w.keptVariance.toFixed(4)} | ${mb(manifest.sizes['weights'])} | ${mb(manifest.sizes['model'])} | ${mb(manifest.sizes['app'])} | ${mb(manifest.sizes['runtime'])} |`,
  );
}

/** Cold: from navigation to the first 100-word prediction; warm: another 100 words. Single-threaded, then cross-origin isolated (threads). */
async function timeSite(label: string, dir: string): Promise<void> {
  for (const crossOriginIsolated of [false, true]) {
    const before = loadavg()[0]!;
    const seen = await checkWebExport(dir, {
      inputs: [{ text: text(100) }, { text: text(100, 7) }],
      timeoutMs: 1_200_000,
      crossOriginIsolated,
    });
    if (seen.errors.length > 0 || seen.external.length > 0)
      throw new Error(`${label}: ${JSON.stringify({ errors: seen.errors, external: seen.external })}`);
    const [first, second] = seen.predictions;
    log(
      `| ${label} | ${seen.backend}, ${seen.threads} thread${seen.threads > 1 ? 's' : ''} | ${seen.readySeconds.toFixed(1)} | ${(seen.readySeconds + first!.seconds).toFixed(1)} | ${second!.seconds.toFixed(2)} | ${before.toFixed(1)} |`,
    );
  }
}

log('\n| model (headless Chromium, WASM) | backend | ready s | first prediction (100 words) s | per 100 words (warm) s | load avg |');
log('| --- | --- | --- | --- | --- | --- |');
await timeSite('tiny GPT-2 (4 × 64, demo, layer 2)', join(work, 'site-float16-full-default-'));

// A GPT-2-small-sized random model (12 blocks × 768, 1024 positions) in a copy of the demo run:
// its config points at that model (layer 9) and its weights are random with the matching design
// width; sizes and timings do not depend on the weights' values.
const big = await createTinyGpt2(join(work, 'gpt2-small-sized'), { layers: 12, dModel: 768, heads: 12, positions: 1024, seed: 1 });
const bigRun = join(work, 'results', 'gpt2-small-sized-run');
cpSync(result.runDir, bigRun, { recursive: true });
const configFile = join(bigRun, 'config.json');
const config = JSON.parse(readFileSync(configFile, 'utf8')) as { features: Array<{ name: string; options: Record<string, unknown> }> };
for (const f of config.features) if (f.name === 'lm') Object.assign(f.options, { model: big.dir, layer: 9 });
writeFileSync(configFile, JSON.stringify(config, null, 2));
const run = await readRunJson(bigRun);
const nVoxels = run.assembly.nVoxels!;
const p = (768 + (config.features.length - 1)) * 4;
const rng = createRng(3);
await writeWeights(join(bigRun, run.files.weights!), {
  rows: p,
  cols: nVoxels,
  data: Float32Array.from({ length: p * nVoxels }, () => rng.normal() * 0.01),
});
const bigSite = join(work, 'site-gpt2-small-sized');
const { manifest } = await exportWeb(bigRun, bigSite, {});
log(
  `\nGPT-2-small-sized export (layer 9): model ${mb(manifest.sizes['model'])} MB, weights ${mb(manifest.sizes['weights'])} MB (float16, ${p} × ${nVoxels})`,
);
log('\n| model (headless Chromium, WASM) | backend | ready s | first prediction (100 words) s | per 100 words (warm) s | load avg |');
log('| --- | --- | --- | --- | --- | --- |');
await timeSite('GPT-2-small-sized random (12 × 768, layer 9)', bigSite);
log(
  `load average at end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
writeFileSync(join(work, 'bench.md'), `${out.join('\n')}\n`);
