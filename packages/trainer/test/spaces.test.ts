import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry, noiseCeiling } from '@voxelwise/core';
import type { FeatureBand, Matrix } from '@voxelwise/core';
import { assemblies, simulateSubject } from '@voxelwise/assembly';
import { basicFeatures } from '@voxelwise/features-basic';
import { downsamplers } from '@voxelwise/downsample';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { readRunJson, readScores, readWeights, resolveConfig, scoresToIPC, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';
import { fakeBanded } from './helpers/fake-banded.js';
import { partitionR2 } from '../src/partition.js';
import { subsetGammas } from '../src/bands.js';

const out = () => mkdtempSync(join(tmpdir(), 'vw-spaces-'));
const simOptions = { seed: 11, stories: 3, duration: 300, voxels: 30, plantedFraction: 0.5, testRepeats: 8, ar1: 0.3 } as const;
const sim = { name: 'simulated', options: simOptions } as const;
const twoSpaces = [
  { name: 'wordrate', options: { mode: 'huth' } },
  { name: 'wordrate', options: { mode: 'litcoder' } },
] as const;
const alphas = { alphas: [0.1, 1, 10, 100, 1000] as [number, ...number[]] };

describe('noise ceiling', () => {
  it('is computed from the test story repeats and recovers the planted ceiling within its sampling error', async () => {
    const dir = out();
    const run = await train(
      { name: 'nc', outDir: dir, assembly: sim, features: [twoSpaces[0]], model: { name: 'ridge-cv', options: alphas } },
      { registry: testRegistry() },
    );
    const scores = await readScores(join(run.runDir, 'scores.arrow'));
    const x = scores.extra!;
    for (const k of ['ev', 'ev_corrected', 'cc_max', 'cc_norm', 'r_normalised']) expect(x[k], k).toBeDefined();

    // The same subject: its repeats of the test story (the default trimming keeps every response row).
    const subject = await simulateSubject(simOptions);
    const story = await subject.assembly.story(subject.truth.testStory);
    const N = story.nRepeats!;
    expect(N).toBe(8);
    const repeats: Matrix[] = [];
    for (let k = 0; k < N; k++) repeats.push(await story.repeatResponses!(k));
    const nc = noiseCeiling(repeats);
    const T = nc.nRows;
    const V = nc.ccMax.length;
    for (let j = 0; j < V; j++) {
      expect(x['cc_max']![j]).toBeCloseTo(nc.ccMax[j]!, 10);
      expect(x['ev_corrected']![j]).toBeCloseTo(nc.evCorrected[j]!, 10);
      expect(x['ev']![j]).toBeCloseTo(nc.ev[j]!, 10);
      if (nc.ccMax[j]! > 0) expect(x['r_normalised']![j]).toBeCloseTo(scores.r[j]! / nc.ccMax[j]!, 12);
    }

    // Bound from the simulation: with each repeat z-scored (noise variance σ² ≤ 1), AR(1) noise of
    // coefficient φ, N repeats and T rows, CCmax² − bestR² = (X·var_s − c²)/(var_s·Var(ȳ)) where
    // X = 2/(N(N−1)) Σ_{n<m} cov(e_n, e_m) and c = cov(s, ē). Bartlett's formula gives
    // sd(X) ≤ √(2(1 + φ²)/((1 − φ²)·T·N(N−1))) and var(c) ≤ var_s·(1 + φ)/((1 − φ)·N·T); four
    // standard deviations of each.
    const phi = simOptions.ar1;
    const sdX = Math.sqrt((2 * (1 + phi * phi)) / ((1 - phi * phi) * T * N * (N - 1)));
    const varC = (1 + phi) / ((1 - phi) * N * T);
    const bestR = subject.truth.bestR;
    let planted = 0;
    for (let j = 0; j < V; j++) {
      let vy = 0;
      let m = 0;
      for (let i = 0; i < T; i++) m += nc.mean.data[i * V + j]!;
      m /= T;
      for (let i = 0; i < T; i++) vy += (nc.mean.data[i * V + j]! - m) ** 2;
      vy /= T;
      const bound = (4 * sdX + 16 * varC) / vy;
      expect(Math.abs(nc.ccMax[j]! ** 2 - bestR[j]! ** 2), `voxel ${j}`).toBeLessThanOrEqual(bound);
      if (subject.truth.planted[j]) {
        planted++;
        // Bias-corrected EV of z-scored repeats is the signal power over the mean variance T/(T − 1).
        expect(Math.abs((x['ev_corrected']![j]! * T) / (T - 1) - bestR[j]! ** 2 * vy)).toBeLessThanOrEqual(bound * vy);
      }
    }
    expect(planted).toBeGreaterThan(5);
    const summary = (run.metrics['noise_ceiling'] ?? {}) as Record<string, unknown>;
    expect(summary['n_repeats']).toBe(8);
    expect(summary['stories']).toEqual([subject.truth.testStory]);
    expect(typeof summary['median_cc_max']).toBe('number');
    const record = await readRunJson(run.runDir);
    expect(record.spaces?.noiseCeiling?.columns).toEqual(['ev', 'ev_corrected', 'cc_max', 'cc_norm', 'r_normalised']);
  }, 120_000);

  it('is left out when the test story has one recording', async () => {
    const run = await train(
      {
        name: 'nc1',
        outDir: out(),
        assembly: { name: 'simulated', options: { ...simOptions, voxels: 8, testRepeats: 1 } },
        features: [twoSpaces[0]],
        model: { name: 'ridge-cv', options: alphas },
      },
      { registry: testRegistry() },
    );
    const scores = await readScores(join(run.runDir, 'scores.arrow'));
    expect(scores.extra).toBeUndefined();
    expect(run.metrics['noise_ceiling']).toBeUndefined();
  }, 60_000);
});

describe('variance partitioning', () => {
  it('recovers the seven regions of three spaces from the R² of the seven unions', () => {
    // Regions as sets of spaces (bitmask) with known sizes; R² of a union = sum of the regions it touches.
    const region = new Map<number, number>([
      [0b001, 0.1],
      [0b010, 0.05],
      [0b100, -0.02],
      [0b011, 0.2],
      [0b101, 0.03],
      [0b110, 0.07],
      [0b111, 0.4],
    ]);
    const r2 = new Map<number, Float64Array>();
    for (let s = 1; s < 8; s++) {
      let sum = 0;
      for (const [t, size] of region) if (t & s) sum += size;
      r2.set(s, Float64Array.of(sum));
    }
    const p = partitionR2(['a', 'b', 'c'], r2);
    const expected: Record<string, number> = {
      r2_unique_a: 0.1,
      r2_unique_b: 0.05,
      r2_unique_c: -0.02,
      'r2_shared_a+b': 0.2,
      'r2_shared_a+c': 0.03,
      'r2_shared_b+c': 0.07,
      'r2_shared_a+b+c': 0.4,
    };
    for (const [k, v] of Object.entries(expected)) expect(p.columns[k]![0], k).toBeCloseTo(v, 14);
    expect(p.columns['r2_fit_a+b+c']![0]).toBeCloseTo(0.83, 14);
    expect(p.summary['r2_unique_a']).toEqual({ mean: p.columns['r2_unique_a']![0], median: p.columns['r2_unique_a']![0] });
  });

  it('refits each space alone with the same settings and splits the test R² into unique and shared parts', async () => {
    const registry = testRegistry();
    const base = { outDir: out(), assembly: sim, model: { name: 'ridge-cv', options: alphas } } as const;
    const run = await train({ ...base, name: 'part', features: [...twoSpaces], partition: true }, { registry });
    const x = (await readScores(join(run.runDir, 'scores.arrow'))).extra!;
    const [a, b] = ['wordrate-0', 'wordrate-1'];
    const joint = x[`r2_fit_${a}+${b}`]!;
    expect(Array.from(joint)).toEqual(Array.from(run.evaluation.voxels.r2!));
    for (let j = 0; j < joint.length; j++) {
      const parts = x[`r2_unique_${a}`]![j]! + x[`r2_unique_${b}`]![j]! + x[`r2_shared_${a}+${b}`]![j]!;
      expect(parts).toBeCloseTo(joint[j]!, 12);
      expect(x[`r2_unique_${a}`]![j]).toBeCloseTo(joint[j]! - x[`r2_fit_${b}`]![j]!, 12);
    }
    // The subset fit of one space equals a run with that space alone.
    const alone = await train({ ...base, name: 'alone', features: [twoSpaces[1]] }, { registry });
    const r2Alone = alone.evaluation.voxels.r2!;
    for (let j = 0; j < joint.length; j++) expect(x[`r2_fit_${b}`]![j]).toBeCloseTo(r2Alone[j]!, 9);
    const summary = run.metrics['partition'] as Record<string, unknown>;
    expect(summary['spaces']).toEqual([a, b]);
    expect(Object.keys(summary)).toContain(`r2_shared_${a}+${b}`);
    const record = await readRunJson(run.runDir);
    expect(record.spaces?.partition?.spaces).toEqual([a, b]);
  }, 180_000);

  it('partitions three spaces into seven regions that add up to the joint R²', async () => {
    const three = [...twoSpaces, { name: 'wordrate', options: { mode: 'litcoder', window: 'litcoder' } }];
    const run = await train(
      { name: 'part3', outDir: out(), assembly: sim, features: three, model: { name: 'ridge-cv', options: alphas }, partition: true },
      { registry: testRegistry() },
    );
    const x = (await readScores(join(run.runDir, 'scores.arrow'))).extra!;
    const fits = Object.keys(x).filter((k) => k.startsWith('r2_fit_'));
    const regions = Object.keys(x).filter((k) => k.startsWith('r2_unique_') || k.startsWith('r2_shared_'));
    expect(fits).toHaveLength(7);
    expect(regions).toHaveLength(7);
    const joint = x['r2_fit_wordrate-0+wordrate-1+wordrate-2']!;
    for (let j = 0; j < joint.length; j++) expect(regions.reduce((sum, k) => sum + x[k]![j]!, 0)).toBeCloseTo(joint[j]!, 12);
  }, 180_000);

  it('refuses one space, four spaces, and nested CV', () => {
    const f = twoSpaces[0];
    const base = { assembly: sim, partition: true };
    expectVoxelwiseError(() => resolveConfig({ ...base, features: [f] }), 'E_CONFIG_INVALID', /"partition" needs 2 or 3/);
    expectVoxelwiseError(
      () =>
        resolveConfig({
          ...base,
          features: [f, twoSpaces[1], { name: 'wordrate', options: { mode: 'litcoder', window: 'litcoder' } }, { name: 'x' }],
        }),
      'E_CONFIG_INVALID',
      /lists 4/,
    );
    expectVoxelwiseError(
      () => resolveConfig({ ...base, features: [...twoSpaces], split: { mode: 'nested-cv' } }),
      'E_CONFIG_INVALID',
      /test-stories/,
    );
    // Left out, the key does not appear in the resolved config (config hashes stay as they were).
    expect('partition' in resolveConfig({ assembly: sim, features: [f] })).toBe(false);
  });
});

describe('banded models', () => {
  it('get one contiguous band per feature space, and the run keeps γ, λ, split r and split R² per voxel', async () => {
    const seen = { bands: [] as FeatureBand[][], columns: [] as number[] };
    const registry = createRegistry().use(assemblies()).use(basicFeatures()).use(downsamplers()).use(fakeBanded(seen));
    const run = await train(
      { name: 'banded', outDir: out(), assembly: sim, features: [...twoSpaces], model: { name: 'banded-ridge-cv' }, partition: true },
      { registry },
    );
    // The joint fit, then each space alone (the partition's subset fits).
    const delays = 4;
    expect(seen.bands[0]).toEqual([
      { name: 'wordrate-0', start: 0, end: delays },
      { name: 'wordrate-1', start: delays, end: 2 * delays },
    ]);
    expect(seen.bands.slice(1)).toEqual([[{ name: 'wordrate-0', start: 0, end: delays }], [{ name: 'wordrate-1', start: 0, end: delays }]]);
    const scores = await readScores(join(run.runDir, 'scores.arrow'));
    const x = scores.extra!;
    const joint = run.evaluation.voxels.r2!;
    for (let j = 0; j < joint.length; j++) {
      // Split R² parts sum to the joint R² (responses are z-scored, so zero-mean).
      expect(x['r2_split_wordrate-0']![j]! + x['r2_split_wordrate-1']![j]!).toBeCloseTo(joint[j]!, 5);
      expect(x['r_split_wordrate-0']![j]! + x['r_split_wordrate-1']![j]!).toBeCloseTo(scores.r[j]!, 5);
      expect(x['gamma_wordrate-0']![j]).toBe(0.5);
    }
    const record = await readRunJson(run.runDir);
    expect(record.spaces?.bands?.columns.gamma).toEqual(['gamma_wordrate-0', 'gamma_wordrate-1']);
    expect(record.spaces?.bands?.columns.r2Split).toEqual(['r2_split_wordrate-0', 'r2_split_wordrate-1']);
    const bands = run.metrics['bands'] as Array<Record<string, unknown>>;
    expect(bands.map((b) => b['name'])).toEqual(['wordrate-0', 'wordrate-1']);
    // The model saw a band-major design (each space's delays together); weights.arrow keeps
    // makeDelayed's order (delay-major), as every run, so predict and exports read one layout.
    const saved = await readWeights(join(run.runDir, 'weights.arrow'));
    const cols = JSON.parse(saved.metadata['columns']!) as string[];
    expect(cols.map((c) => c.replace(/:.*@/, '@'))).toEqual([
      'wordrate@1',
      'wordrate@1',
      'wordrate@2',
      'wordrate@2',
      'wordrate@3',
      'wordrate@3',
      'wordrate@4',
      'wordrate@4',
    ]);
    expect(cols[0]).toMatch(/^wordrate:huth/);
    expect(cols[1]).toMatch(/^wordrate:litcoder/);
    const fitted = run.variants[0]!.fitted!.weights!;
    const V = fitted.cols;
    // Band-major row k (space b, delay d) is delay-major row d·2 + b.
    for (let k = 0; k < 2 * delays; k++) {
      const row = (k % delays) * 2 + Math.floor(k / delays);
      for (let j = 0; j < V; j++) expect(saved.weights.data[row * V + j]).toBeCloseTo(fitted.data[k * V + j]!, 5);
    }
  }, 180_000);
});

describe('banded-ridge-cv of @voxelwise/ridge', () => {
  it('runs with two spaces and a partition: split R² sums to the joint R², γ on the simplex, one-space refits', async () => {
    const run = await train(
      {
        name: 'banded-real',
        outDir: out(),
        assembly: sim,
        features: [...twoSpaces],
        model: { name: 'banded-ridge-cv', options: { nIter: 5, alphas: [0.1, 1, 10, 100, 1000] } },
        partition: true,
      },
      { registry: testRegistry() },
    );
    const x = (await readScores(join(run.runDir, 'scores.arrow'))).extra!;
    const joint = run.evaluation.voxels.r2!;
    for (let j = 0; j < joint.length; j++) {
      expect(x['r2_split_wordrate-0']![j]! + x['r2_split_wordrate-1']![j]!).toBeCloseTo(joint[j]!, 5);
      expect(x['gamma_wordrate-0']![j]! + x['gamma_wordrate-1']![j]!).toBeCloseTo(1, 12);
      expect(x['r2_fit_wordrate-0+wordrate-1']![j]).toBe(joint[j]);
    }
    expect(Object.keys(x)).toEqual(expect.arrayContaining(['r2_unique_wordrate-0', 'r2_shared_wordrate-0+wordrate-1', 'cc_max']));
    expect((await readRunJson(run.runDir)).spaces?.bands?.names).toEqual(['wordrate-0', 'wordrate-1']);
    // weights.arrow in makeDelayed's order, whichever way the model hands its weights over.
    const fitted = run.variants[0]!.fitted!;
    expect(fitted.weightBatches ?? fitted.weights).toBeDefined();
    const saved = (await readWeights(join(run.runDir, 'weights.arrow'))).weights;
    const w = fitted.weights!;
    for (let k = 0; k < w.rows; k++) {
      const row = (k % 4) * 2 + Math.floor(k / 4);
      for (let j = 0; j < w.cols; j++) expect(saved.data[row * w.cols + j]).toBeCloseTo(w.data[k * w.cols + j]!, 5);
    }
  }, 180_000);
});

describe('scores.arrow', () => {
  it('keeps every column when two share one array (a model whose alphas are its lambdas)', async () => {
    const n = 30;
    const col = (k: number) => Float64Array.from({ length: n }, (_, i) => k + i / 100);
    const shared = col(1);
    const extra = Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`e${k}`, col(10 * (k + 1))]));
    const path = join(out(), 'scores.arrow');
    writeFileSync(path, scoresToIPC({ r: col(0), alpha: shared, lambda: shared, flags: new Uint8Array(n).fill(2), extra }));
    const back = await readScores(path);
    expect(Array.from(back.lambda!)).toEqual(Array.from(shared));
    expect(Array.from(back.flags!)).toEqual(new Array(n).fill(2));
    for (const [k, v] of Object.entries(extra)) expect(Array.from(back.extra![k]!), k).toEqual(Array.from(v));
  });
});

describe('banded-ridge-cv in nested cross-validation', () => {
  it('gets the bands of the pooled design', async () => {
    const run = await train(
      {
        name: 'banded-ncv',
        outDir: out(),
        assembly: { name: 'simulated', options: { ...simOptions, voxels: 10 } },
        features: [...twoSpaces],
        split: { mode: 'nested-cv' },
        model: { name: 'banded-ridge-cv', options: { nIter: 3, alphas: [0.1, 10, 1000] } },
      },
      { registry: testRegistry() },
    );
    expect(run.variants[0]!.info['bands']).toEqual([
      { name: 'wordrate-0', start: 0, end: 4 },
      { name: 'wordrate-1', start: 4, end: 8 },
    ]);
    expect(run.metrics['n_outer_folds']).toBe(3);
    expect(run.evaluation.voxels.r).toHaveLength(10);
  }, 180_000);
});

describe('partition with explicit band weights', () => {
  it('restricts the γ candidates to each subset of spaces (renormalised, deduplicated)', () => {
    const g = [
      [0.5, 0.5, 0],
      [0.2, 0.2, 0.6],
      [0, 0, 1],
    ];
    expect(subsetGammas(g, [0, 1])).toEqual([[0.5, 0.5]]);
    expect(subsetGammas(g, [2])).toEqual([[1]]);
    const ac = subsetGammas(g, [0, 2]);
    expect(ac).toHaveLength(3);
    [
      [1, 0],
      [0.25, 0.75],
      [0, 1],
    ].forEach((row, i) => row.forEach((x, b) => expect(ac[i]![b]).toBeCloseTo(x, 15)));
    expect(subsetGammas([[0, 1]], [0])).toEqual([[1]]);
  });

  it('refits banded-ridge-cv on each space with the candidates of that space', async () => {
    const run = await train(
      {
        name: 'banded-gammas',
        outDir: out(),
        assembly: sim,
        features: [...twoSpaces],
        model: {
          name: 'banded-ridge-cv',
          options: {
            gammas: [
              [0.5, 0.5],
              [0.9, 0.1],
            ],
            alphas: [0.1, 1, 10, 100, 1000],
          },
        },
        partition: true,
      },
      { registry: testRegistry() },
    );
    const x = (await readScores(join(run.runDir, 'scores.arrow'))).extra!;
    expect(Object.keys(x)).toEqual(expect.arrayContaining(['r2_fit_wordrate-0', 'r2_fit_wordrate-1', 'r2_unique_wordrate-0']));
    for (const g of x['gamma_wordrate-0']!) expect([0.5, 0.9]).toContain(g);
  }, 180_000);
});
