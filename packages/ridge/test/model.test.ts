import { describe, expect, it } from 'vitest';
import { createContext, createRegistry } from '@voxelwise/core';
import type { LogEvent, VoxelwiseEvent } from '@voxelwise/core';
import { describeModelConformance, expectVoxelwiseError } from '@voxelwise/testing';
import { createRidgeModel, litcoderMetrics, ridge, ridgeCVOptionsSchema, rowsReader, LITCODER_ALPHAS } from '../src/index.js';
import type { RidgeModel } from '../src/index.js';
import { planted } from './planted.js';

describeModelConformance('ridge-cv (pure backend)', () =>
  createRidgeModel({ backend: 'pure', alphas: [0.1, 1, 10, 100], folds: { type: 'group', n: 4 } }),
);
describeModelConformance(
  'ridge-cv (onnx backend, float32)',
  () => createRidgeModel({ backend: 'onnx', threads: 1, alphas: [0.1, 1, 10, 100] }),
  { groups: false },
);

const prob = planted(120, 60, 10, 12, { seed: 11, noise: 1.5, ar: 0.5 });
const ctx = () => createContext({ seed: 5 });

describe('ridge-cv stage', () => {
  it('is registered as a model stage and validates its options', async () => {
    const registry = createRegistry().use(ridge());
    expect(registry.names('model')).toEqual(['banded-ridge-cv', 'ridge-cv']);
    const model = (await registry.create('model', { name: 'ridge-cv', options: { alphaMode: 'single', nFolds: 5 } }, ctx())) as RidgeModel;
    expect(model.id).toBe('ridge-cv');
    expect(model.options.alphaMode).toBe('single');
    await expectVoxelwiseError(
      () => registry.create('model', { name: 'ridge-cv', options: { alphas: [1, -1] } }, ctx()),
      'E_OPTIONS_INVALID',
      /option "alphas.1"/,
    );
    await expectVoxelwiseError(
      () => registry.create('model', { name: 'ridge-cv', options: { alpha: 3 } }, ctx()),
      'E_OPTIONS_INVALID',
      /alpha/,
    );
    await expectVoxelwiseError(
      () => registry.create('model', { name: 'ridge-cv', options: { folds: { type: 'chunky' } } }, ctx()),
      'E_OPTIONS_INVALID',
      /folds/,
    );
  });

  it('fills LITcoder defaults, except seeded deterministic k-fold and exact Pearson', () => {
    const o = ridgeCVOptionsSchema.parse({});
    expect(o.alphas).toEqual([...LITCODER_ALPHAS]);
    expect(o.alphas[0]).toBe(0.1);
    expect(o.alphas[9]).toBe(1e8);
    expect(o.normalpha).toBe(true);
    expect(o.alphaMode).toBe('per-voxel');
    expect(o.singcutoff).toBe(1e-10);
    expect(o.score).toBe('pearson');
    expect(o.alternative).toBe('greater');
    expect(o.fdr).toBe(0.05);
  });

  it('nFolds is a shorthand for k-fold and conflicts with folds', async () => {
    const m = createRidgeModel({ backend: 'pure', nFolds: 3 });
    const f = await m.fit({ X: prob.X, Y: prob.Y }, ctx());
    expect((f.info['folds'] as { count: number }).count).toBe(3);
    await expectVoxelwiseError(() => createRidgeModel({ nFolds: 3, folds: { type: 'kfold', n: 4 } }), 'E_OPTIONS_INVALID', /either nFolds/);
  });

  it('fits with Huth bootstrap folds and per-voxel alphas', async () => {
    const f = await createRidgeModel({
      backend: 'pure',
      alphas: [1, 10, 100],
      normalpha: false,
      folds: { type: 'bootstrap', nboots: 5, chunkLength: 10, nchunks: 3 },
    }).fit({ X: prob.X, Y: prob.Y }, ctx());
    expect((f.info['folds'] as { count: number }).count).toBe(5);
    expect(f.alphas!.length).toBe(12);
  });

  it('evaluates: one-sided by default, two-sided on request, BH at the chosen level', async () => {
    const f = await createRidgeModel({ backend: 'pure' }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const one = await f.evaluate(prob.Xt, prob.Yt, ctx());
    const two = await createRidgeModel({ backend: 'pure', alternative: 'two-sided', fdr: 0.01 })
      .fit({ X: prob.X, Y: prob.Y }, ctx())
      .then((g) => g.evaluate(prob.Xt, prob.Yt, ctx()));
    for (let j = 0; j < 12; j++) {
      if (one.voxels.r[j]! > 0) expect(two.voxels.p![j]).toBeCloseTo(2 * one.voxels.p![j]!, 12);
    }
    expect(one.metrics['p_value_method']).toBe('parametric');
    expect(two.metrics['fdr_alpha']).toBe(0.01);
    expect(one.voxels.r2!.length).toBe(12);
    const planted = Array.from(one.voxels.significant!.slice(0, 6)).reduce((a, b) => a + b, 0);
    expect(planted).toBeGreaterThan(3);
    expect(one.metrics['median_significant_score']).toBeGreaterThan(0);
  });

  it('block permutation p-values and a bootstrap interval of the median r, seeded', async () => {
    const model = createRidgeModel({ backend: 'pure', permutations: 200, blockLength: 6, ciResamples: 300 });
    const f = await model.fit({ X: prob.X, Y: prob.Y }, ctx());
    const a = await f.evaluate(prob.Xt, prob.Yt, ctx());
    const b = await f.evaluate(prob.Xt, prob.Yt, ctx());
    expect(a.metrics['p_value_method']).toBe('block-permutation');
    expect(Array.from(a.voxels.p!)).toEqual(Array.from(b.voxels.p!));
    for (const p of a.voxels.p!) expect(p).toBeGreaterThanOrEqual(1 / 201);
    // signal voxels reach the smallest possible p; noise voxels do not.
    expect(Math.max(...Array.from(a.voxels.p!.slice(0, 6)))).toBeLessThan(0.05);
    expect(Math.min(...Array.from(a.voxels.p!.slice(6)))).toBeGreaterThan(0.01);
    const lo = a.metrics['median_score_ci_low'] as number;
    const hi = a.metrics['median_score_ci_high'] as number;
    expect(lo).toBeLessThan(a.metrics['median_score'] as number);
    expect(hi).toBeGreaterThan(a.metrics['median_score'] as number);
  });

  it('ciLevel sets the width of the median-r interval', async () => {
    const f95 = await createRidgeModel({ backend: 'pure', ciResamples: 200, blockLength: 6 }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const f50 = await createRidgeModel({ backend: 'pure', ciResamples: 200, blockLength: 6, ciLevel: 0.5 }).fit(
      { X: prob.X, Y: prob.Y },
      ctx(),
    );
    const a = (await f95.evaluate(prob.Xt, prob.Yt, ctx())).metrics;
    const b = (await f50.evaluate(prob.Xt, prob.Yt, ctx())).metrics;
    const width = (m: typeof a) => (m['median_score_ci_high'] as number) - (m['median_score_ci_low'] as number);
    expect(width(b)).toBeLessThan(width(a));
  });

  it('memoryBudget and voxelBatch shape the layout, not the result', async () => {
    const a = await createRidgeModel({ backend: 'pure' }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const b = await createRidgeModel({ backend: 'pure', voxelBatch: 5, memoryBudget: 2e9 }).fit({ X: prob.X, Y: prob.Y }, ctx());
    expect(b.info['layout']).toMatchObject({ voxelBatch: 5 });
    expect(Array.from(b.alphas!)).toEqual(Array.from(a.alphas!));
    const wa = a.weights!.data;
    const wb = b.weights!.data;
    for (let k = 0; k < wa.length; k++) expect(wb[k]).toBeCloseTo(wa[k]!, 6);
  });

  it('keeps predictions on request and streams weights', async () => {
    const f = await createRidgeModel({ backend: 'pure', keepPredictions: true }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const ev = await f.evaluate(prob.Xt, prob.Yt, ctx());
    expect(ev.predictions!.rows).toBe(60);
    expect(Array.from(ev.predictions!.data)).toEqual(Array.from((await f.predict(prob.Xt)).data));
    const blocks: number[] = [];
    for await (const b of f.weightBatches!(5)) blocks.push(b.weights.cols);
    expect(blocks).toEqual([5, 5, 2]);
  });

  it('predicts in voxel blocks equal to the whole prediction', async () => {
    const f = await createRidgeModel({ backend: 'pure' }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const whole = await f.predict(prob.Xt);
    const seen: number[] = [];
    for await (const { voxelStart, predictions } of f.predictBatches(prob.Xt, 5)) {
      seen.push(voxelStart);
      for (let i = 0; i < predictions.rows; i++)
        for (let j = 0; j < predictions.cols; j++)
          expect(predictions.data[i * predictions.cols + j]).toBe(whole.data[i * 12 + voxelStart + j]);
    }
    expect(seen).toEqual([0, 5, 10]);
  });

  it('rowsReader reads a voxel block of a row subset', async () => {
    const rows = Int32Array.from([3, 0, 7]);
    const block = await rowsReader(prob.Y, rows).read(2, 5);
    expect([block.rows, block.cols]).toEqual([3, 3]);
    expect(block.data[1 * 3 + 2]).toBe(prob.Y.data[0 * 12 + 4]);
    await expectVoxelwiseError(() => rowsReader(prob.Y, rows).read(10, 13), 'E_DATA_INVALID', /outside/);
  });

  it('litcoderMetrics adds the per-voxel lists with LITcoder names', async () => {
    const f = await createRidgeModel({ backend: 'pure' }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const m = litcoderMetrics(await f.evaluate(prob.Xt, prob.Yt, ctx()), f.alphas);
    for (const key of [
      'best_alphas',
      'correlations',
      'p_values',
      'corrected_p_values',
      'significant_mask',
      'median_score',
      'n_significant',
    ])
      expect(m).toHaveProperty(key);
    expect((m['significant_mask'] as boolean[]).length).toBe(12);
  });

  it('typed penalty and validation reports: λ = (alpha·s_max)² with normalpha, alpha² without; CV scores by alpha', async () => {
    const f = await createRidgeModel({ backend: 'pure', alphas: [0.1, 1, 10] }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const sMax = f.info['sMax'] as number;
    expect(f.penalty.convention).toBe('huth');
    expect(f.penalty.description).toMatch(/\(alpha \* s_max\)\^2/);
    f.alphas!.forEach((a, j) => expect(f.penalty.lambdas[j]).toBeCloseTo((a * sMax) ** 2, 8));
    expect(Array.from(f.validation.alphaGrid)).toEqual([0.1, 1, 10]);
    expect(f.validation.scores).toBe(f.cvScores);
    const v = prob.Y.cols;
    f.alphas!.forEach((a, j) => expect(f.validation.best[j]).toBe(f.cvScores[[0.1, 1, 10].indexOf(a) * v + j]));
    for (const key of ['alphaGrid', 'lambdas', 'meanCvScoreByAlpha', 'convention']) expect(f.info).not.toHaveProperty(key);
    const plain = await createRidgeModel({ backend: 'pure', alphas: [0.1, 1, 10], normalpha: false }).fit({ X: prob.X, Y: prob.Y }, ctx());
    expect(plain.penalty.description).toBe('huth: lambda = alpha^2');
    plain.alphas!.forEach((a, j) => expect(plain.penalty.lambdas[j]).toBe(a * a));
  });

  it('dispose removes spilled weights once; a second call does nothing', async () => {
    const f = await createRidgeModel({ backend: 'pure', memoryBudget: 1, voxelBatch: 4 }).fit({ X: prob.X, Y: prob.Y }, ctx());
    expect((f.info['layout'] as { weightsSpilled: boolean }).weightsSpilled).toBe(true);
    expect(f.weights!.data.length).toBe(prob.X.cols * prob.Y.cols);
    f.dispose();
    expect(() => f.dispose()).not.toThrow();
  });

  it('evaluation errors name what is wrong', async () => {
    const f = await createRidgeModel({ backend: 'pure' }).fit({ X: prob.X, Y: prob.Y }, ctx());
    await expectVoxelwiseError(() => f.evaluate(prob.Xt, prob.Y, ctx()), 'E_SHAPE_MISMATCH', /different numbers of rows/);
    await expectVoxelwiseError(
      () => f.evaluate(prob.X, { rows: prob.X.rows, cols: 3, data: new Float32Array(prob.X.rows * 3) }, ctx()),
      'E_SHAPE_MISMATCH',
      /3 voxels but the model was fitted on 12/,
    );
  });
});

describe('nested cross-validation', () => {
  it('outer folds by group, Bonferroni-combined p, majority mask, geometric-mean alphas', async () => {
    const groups = Int32Array.from({ length: 120 }, (_, i) => Math.floor(i / 30));
    const events: VoxelwiseEvent[] = [];
    const model = createRidgeModel({ backend: 'pure', alphas: [0.1, 1, 10, 100], folds: { type: 'kfold', n: 3 } });
    const cv = await model.crossValidate!({ X: prob.X, Y: prob.Y, groups }, createContext({ seed: 2, emit: (e) => events.push(e) }));
    expect(cv.folds).toHaveLength(4);
    expect(cv.folds.map((f) => new Set(Array.from(f.testRows, (i) => groups[i])).size)).toEqual([1, 1, 1, 1]);
    // Combined p is k·min of the fold p-values (Bonferroni) by default.
    const j = 0;
    const foldP = cv.folds.map((f) => f.evaluation.voxels.p![j]!);
    expect(cv.voxels.p![j]).toBe(Math.min(1, 4 * Math.min(...foldP)));
    expect(cv.info['pCombination']).toBe('bonferroni');
    for (let k = 0; k < 12; k++) {
      const count = cv.folds.reduce((s, f) => s + f.evaluation.voxels.significant![k]!, 0);
      expect(cv.majoritySignificant[k]).toBe(count >= 3 ? 1 : 0);
      const geo = Math.exp(cv.folds.reduce((s, f) => s + Math.log(f.alphas![k]!), 0) / 4);
      expect(cv.alphas![k]).toBeCloseTo(geo, 10);
    }
    expect(cv.metrics['n_majority_significant']).toBe(cv.majoritySignificant.reduce((a, b) => a + b, 0));
    expect((cv.info['pooledR'] as Float64Array).length).toBe(12);
    expect(events.some((e) => e.type === 'stage:progress' && e.unit === 'outer folds')).toBe(true);
  });

  it('without groups uses contiguous 5-fold outer folds; outerFolds overrides', async () => {
    const model = createRidgeModel({ backend: 'pure', alphas: [1, 10], outerFolds: { type: 'kfold', n: 3 }, nFolds: 2 });
    const cv = await model.crossValidate!({ X: prob.X, Y: prob.Y }, ctx());
    expect(cv.folds.map((f) => f.testRows.length)).toEqual([40, 40, 40]);
    const plain = await createRidgeModel({ backend: 'pure', alphas: [1, 10], nFolds: 2 }).crossValidate!({ X: prob.X, Y: prob.Y }, ctx());
    expect(plain.folds).toHaveLength(5);
  });

  it('warns through events, never prints', async () => {
    const events: VoxelwiseEvent[] = [];
    await createRidgeModel({ backend: 'pure', alphas: [1e6, 1e7] }).fit(
      { X: prob.X, Y: prob.Y },
      createContext({ emit: (e) => events.push(e) }),
    );
    expect(events.filter((e): e is LogEvent => e.type === 'log' && e.level === 'warn').length).toBeGreaterThan(0);
  });
});
