// Known answers in test/fixtures/golden.json (sections ridge, train_test, stats); its _source says
// how they were computed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createContext, fromRows, matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import {
  benjaminiHochberg,
  createFolds,
  createPureBackend,
  createRidgeModel,
  fisherCombine,
  litcoderMetrics,
  pearsonPValue,
  ridgeCorr,
  ridgeWeights,
} from '../src/index.js';

const golden = JSON.parse(readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8'));
const g = golden.ridge;
const tt = golden.train_test;
const st = golden.stats;

const m = (rows: number[][]): Matrix => fromRows(rows);
function expectClose(actual: ArrayLike<number>, expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}

describe('golden: ridge primitives (Huth ridge.py ridge and ridge_corr, LITcoder ridge_corr_torch)', () => {
  it('singular values of X are the square roots of the Gram eigenvalues', async () => {
    const backend = await createPureBackend();
    const G = await backend.gram(m(g.X));
    const { values } = await backend.eigh(G);
    expectClose(Array.from(values, Math.sqrt).reverse(), g.singular_values_X, 12);
  });

  it('ridge(X, Y, alpha=1, normalpha=False) equals Huth', async () => {
    const W = await ridgeWeights(m(g.X), m(g.Y), 1.0);
    expectClose(W.data, g.weights_alpha1_normalpha_false.flat(), 13);
  });

  it('ridge(X, Y, alpha=0.5, normalpha=True) scales alpha by s_max', async () => {
    const W = await ridgeWeights(m(g.X), m(g.Y), 0.5, { normalpha: true });
    expectClose(W.data, g['weights_alpha0.5_normalpha_true'].flat(), 13);
  });

  it('the eigen solver gives the same weights as the tridiagonal one', async () => {
    const W = await ridgeWeights(m(g.X), m(g.Y), 1.0, { solver: 'eigen' });
    expectClose(W.data, g.weights_alpha1_normalpha_false.flat(), 12);
  });

  it('per-voxel alphas pick each column from its own solution', async () => {
    const W = await ridgeWeights(m(g.X), m(g.Y), [1.0, 1.0]);
    expectClose(W.data, g.weights_alpha1_normalpha_false.flat(), 13);
  });

  it('ridge_corr with use_corr=True is exact Pearson', async () => {
    const s = await ridgeCorr(m(g.X), m(g.Xt), m(g.Y), m(g.Yt), g.ridge_corr_alphas, { score: 'pearson' });
    expectClose(s.data, g.ridge_corr_pearson.flat(), 12);
  });

  it("ridge_corr with use_corr=False is Huth's signed sqrt R² with Prespvar", async () => {
    const s = await ridgeCorr(m(g.X), m(g.Xt), m(g.Y), m(g.Yt), g.ridge_corr_alphas, { score: 'huth' });
    expectClose(s.data, g.ridge_corr_signed_sqrt_r2_huth.flat(), 12);
  });

  it("the litcoder score reproduces ridge_corr_torch's ddof-1 z-scores", async () => {
    const s = await ridgeCorr(m(g.X), m(g.Xt), m(g.Y), m(g.Yt), g.ridge_corr_alphas, { score: 'litcoder' });
    expectClose(s.data, g.ridge_corr_litcoder_torch_ddof1.flat(), 12);
  });
});

describe('golden: LITcoder train–test logic (NestedCVModel.fit_predict with a test set)', () => {
  const base = {
    alphas: [0.1, 1, 10],
    normalpha: true,
    folds: { type: 'kfold' as const, n: 5 },
    score: 'litcoder' as const,
    precision: 'float64' as const,
    alternative: 'two-sided' as const,
    backend: 'pure' as const,
  };

  it('per voxel: inner scores, alphas, weights, test r, p and BH', async () => {
    const model = createRidgeModel({ ...base, alphaMode: 'per-voxel' });
    const ctx = createContext();
    const fitted = await model.fit({ X: m(tt.Xtr), Y: m(tt.Ytr) }, ctx);
    expectClose(fitted.cvScores, tt.mean_inner_scores_litcoder.flat(), 12);
    expect(Array.from(fitted.alphas!)).toEqual(tt.per_voxel.best_alphas);
    expectClose(fitted.weights!.data, tt.per_voxel.W.flat(), 12);
    const ev = await fitted.evaluate(m(tt.Xte), m(tt.Yte), ctx);
    expectClose(ev.voxels.r, tt.per_voxel.r, 12);
    expectClose(ev.voxels.p!, tt.per_voxel.p_two_sided, 11);
    expectClose(ev.voxels.pCorrected!, tt.per_voxel.p_bh, 4);
    expect(ev.metrics['n_significant']).toBe(tt.per_voxel.n_significant);
    const lit = litcoderMetrics(ev, fitted.alphas);
    expect(lit['best_alphas']).toEqual(tt.per_voxel.best_alphas);
    expect(lit['significant_mask']).toEqual([false, false]);
    expect(lit['median_score']).toBeCloseTo((tt.per_voxel.r[0] + tt.per_voxel.r[1]) / 2, 12);
  });

  it('single alpha: argmax of the mean over voxels', async () => {
    const model = createRidgeModel({ ...base, alphaMode: 'single' });
    const ctx = createContext();
    const fitted = await model.fit({ X: m(tt.Xtr), Y: m(tt.Ytr) }, ctx);
    expect(Array.from(fitted.alphas!)).toEqual(tt.single_alpha.best_alphas);
    expectClose(fitted.weights!.data, tt.single_alpha.W.flat(), 12);
    const ev = await fitted.evaluate(m(tt.Xte), m(tt.Yte), ctx);
    expectClose(ev.voxels.r, tt.single_alpha.r, 12);
    expectClose(ev.voxels.p!, tt.single_alpha.p_two_sided, 11);
  });

  it('float32 precision (what LITcoder runs) agrees to float32 rounding, on both backends', async () => {
    for (const backend of ['pure', 'onnx'] as const) {
      const model = createRidgeModel({ ...base, precision: 'float32', backend });
      const ctx = createContext();
      const fitted = await model.fit({ X: m(tt.Xtr), Y: m(tt.Ytr) }, ctx);
      expect(Array.from(fitted.alphas!)).toEqual(tt.per_voxel.best_alphas);
      expectClose(fitted.cvScores, tt.mean_inner_scores_litcoder.flat(), 6);
      expectClose(fitted.weights!.data, tt.per_voxel.W.flat(), 6);
    }
  });
});

describe('golden: statistics (scipy pearsonr, statsmodels fdrcorrection, scipy combine_pvalues)', () => {
  it('pearsonr two-sided p', () => {
    expect(pearsonPValue(st.pearson_p.r, st.pearson_p.n, 'two-sided')).toBeCloseTo(st.pearson_p.p_two_sided, 13);
  });

  it('one-sided p-values halve the two-sided one in the observed direction', () => {
    const two = pearsonPValue(st.pearson_p.r, st.pearson_p.n, 'two-sided');
    expect(pearsonPValue(st.pearson_p.r, st.pearson_p.n, 'greater')).toBeCloseTo(two / 2, 13);
    expect(pearsonPValue(st.pearson_p.r, st.pearson_p.n, 'less')).toBeCloseTo(1 - two / 2, 13);
    expect(pearsonPValue(-st.pearson_p.r, st.pearson_p.n, 'greater')).toBeCloseTo(1 - two / 2, 13);
  });

  it('Benjamini–Hochberg matches statsmodels fdrcorrection', () => {
    const { corrected, reject } = benjaminiHochberg(Float64Array.from(st.bh.p), 0.05);
    expectClose(corrected, st.bh.q, 14);
    expect(Array.from(reject, (x) => x === 1)).toEqual(st.bh['reject_at_0.05']);
  });

  it("Fisher's method matches scipy combine_pvalues", () => {
    const f = fisherCombine(st.fisher.p);
    expect(f.statistic).toBeCloseTo(st.fisher.statistic, 12);
    expect(f.p).toBeCloseTo(st.fisher.p_combined, 14);
  });

  it('KFold(5) on 11 rows has sizes [3, 2, 2, 2, 2], contiguous', () => {
    const folds = createFolds(11, { type: 'kfold', n: 5 }, { rng: createContext().rng('x') });
    expect(folds.map((f) => f.test.length)).toEqual(st.kfold_sizes_n11_k5);
    expect(Array.from(folds[0]!.test)).toEqual([0, 1, 2]);
    expect(Array.from(folds[1]!.test)).toEqual([3, 4]);
  });
});

describe('golden: the matrix helper', () => {
  it('builds a float64 matrix', () => {
    expect(matrix(1, 2, new Float64Array([1, 2])).cols).toBe(2);
  });
});
