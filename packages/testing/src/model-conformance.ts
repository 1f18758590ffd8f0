import { describe, expect, it } from 'vitest';
import { createContext, createRng, matrix, median, pearson } from '@voxelwise/core';
import type { FittedModel, Matrix, Model } from '@voxelwise/core';
import { expectVoxelwiseError } from './errors.js';

/** What {@link describeModelConformance} may expect of a model. */
export interface ModelConformanceOptions {
  /** Relative tolerance between the model's scores and a float64 Pearson r of its predictions. @default 1e-5 */
  tolerance?: number;
  /** Training samples of the planted problem. @default 160 */
  samples?: number;
  /** Features of the planted problem. @default 12 */
  features?: number;
  /** Voxels of the planted problem (the first half carry signal). @default 10 */
  voxels?: number;
  /** Group labels per sample to pass with the fit data (e.g. 4 stories). @default 4 contiguous groups */
  groups?: boolean;
}

/** LITcoder's metric keys every evaluation carries. */
export const REQUIRED_METRICS = [
  'median_score',
  'mean_score',
  'std_score',
  'min_score',
  'max_score',
  'n_significant',
  'percent_significant',
] as const;

interface Problem {
  X: Matrix<Float32Array>;
  Y: Matrix<Float32Array>;
  Xt: Matrix<Float32Array>;
  Yt: Matrix<Float32Array>;
  groups: Int32Array;
  signal: number;
}

/** Y = X·W + noise on the first half of the voxels, pure noise on the rest (seeded). */
function plantedProblem(n: number, p: number, v: number, seed: number): Problem {
  const rng = createRng(seed);
  const nt = Math.max(30, Math.floor(n / 3));
  const total = n + nt;
  const X = new Float32Array(total * p);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const W = new Float64Array(p * v);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal();
  const signal = Math.ceil(v / 2);
  const Y = new Float32Array(total * v);
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < v; j++) {
      let s = 0;
      if (j < signal) for (let k = 0; k < p; k++) s += X[i * p + k]! * W[k * v + j]!;
      Y[i * v + j] = s / Math.sqrt(p) + rng.normal();
    }
  }
  const groups = Int32Array.from({ length: n }, (_, i) => Math.floor((4 * i) / n));
  return {
    X: matrix(n, p, X.slice(0, n * p)),
    Y: matrix(n, v, Y.slice(0, n * v)),
    Xt: matrix(nt, p, X.slice(n * p)),
    Yt: matrix(nt, v, Y.slice(n * v)),
    groups,
    signal,
  };
}

/** Pearson r of each column of P against Y, in float64 (core's {@link pearson} per column). */
function columnPearson(P: Matrix, Y: Matrix): Float64Array {
  const { rows: n, cols: v } = Y;
  const r = new Float64Array(v);
  const p = new Float64Array(n);
  const y = new Float64Array(n);
  for (let j = 0; j < v; j++) {
    for (let i = 0; i < n; i++) {
      p[i] = P.data[i * v + j]!;
      y[i] = Y.data[i * v + j]!;
    }
    r[j] = pearson(p, y);
  }
  return r;
}

/**
 * The conformance suite every model stage runs (like unstorage's `testDriver`): a seeded planted
 * problem is fitted and the contract checked — shapes, predictions against weights, scores
 * against a float64 Pearson r of the predictions, LITcoder metric keys and well-formed
 * statistics, signal above noise, determinism, coded errors for misshapen or non-finite input,
 * and, when offered, the typed `penalty` and `validation` reports, an idempotent `dispose`,
 * `weightBatches` and `crossValidate`.
 *
 * @example
 * describeModelConformance('ridge-cv', () => createRidgeModel({ backend: 'pure' }));
 */
export function describeModelConformance(name: string, create: () => Model | Promise<Model>, options: ModelConformanceOptions = {}): void {
  const tol = options.tolerance ?? 1e-5;
  const n = options.samples ?? 160;
  const p = options.features ?? 12;
  const v = options.voxels ?? 10;
  const prob = plantedProblem(n, p, v, 20261127);
  const data = options.groups === false ? { X: prob.X, Y: prob.Y } : { X: prob.X, Y: prob.Y, groups: prob.groups };
  let fittedOnce: Promise<FittedModel> | null = null;
  const fitted = (): Promise<FittedModel> =>
    (fittedOnce ??= Promise.resolve(create()).then((m) => m.fit(data, createContext({ seed: 7 }))));

  describe(`model conformance: ${name}`, () => {
    it('fits and reports weights (features × voxels) and alphas (one per voxel)', async () => {
      const f = await fitted();
      if (f.weights) expect([f.weights.rows, f.weights.cols]).toEqual([p, v]);
      if (f.alphas) expect(f.alphas.length).toBe(v);
      expect(typeof f.info).toBe('object');
    });

    it('predicts samples × voxels, finite, equal to X·weights when linear', async () => {
      const f = await fitted();
      const P = await f.predict(prob.Xt);
      expect([P.rows, P.cols]).toEqual([prob.Xt.rows, v]);
      expect(Array.from(P.data).every(Number.isFinite)).toBe(true);
      if (f.weights) {
        const W = f.weights;
        for (let i = 0; i < prob.Xt.rows; i++) {
          for (let j = 0; j < v; j++) {
            let s = 0;
            for (let k = 0; k < p; k++) s += prob.Xt.data[i * p + k]! * W.data[k * v + j]!;
            expect(Math.abs(P.data[i * v + j]! - s)).toBeLessThanOrEqual(tol * (1 + Math.abs(s)));
          }
        }
      }
    });

    it('scores are the Pearson r of its predictions', async () => {
      const f = await fitted();
      const r = await f.score(prob.Xt, prob.Yt);
      const ref = columnPearson(await f.predict(prob.Xt), prob.Yt);
      expect(r.length).toBe(v);
      for (let j = 0; j < v; j++) expect(Math.abs(r[j]! - ref[j]!)).toBeLessThanOrEqual(tol);
    });

    it('evaluates with LITcoder metric keys and well-formed per-voxel statistics', async () => {
      const f = await fitted();
      const ev = await f.evaluate(prob.Xt, prob.Yt, createContext({ seed: 7 }));
      for (const key of REQUIRED_METRICS) expect(typeof ev.metrics[key], `metric ${key}`).toBe('number');
      const { r, p: pv, pCorrected, significant } = ev.voxels;
      expect(r.length).toBe(v);
      const ref = await f.score(prob.Xt, prob.Yt);
      for (let j = 0; j < v; j++) {
        expect(Math.abs(r[j]! - ref[j]!)).toBeLessThanOrEqual(tol);
        expect(r[j]!).toBeGreaterThanOrEqual(-1);
        expect(r[j]!).toBeLessThanOrEqual(1);
      }
      expect(ev.metrics['median_score']).toBeCloseTo(median(Array.from(r)), 10);
      if (pv) for (const x of pv) expect(x >= 0 && x <= 1).toBe(true);
      if (pv && pCorrected) for (let j = 0; j < v; j++) expect(pCorrected[j]!).toBeGreaterThanOrEqual(pv[j]! - 1e-15);
      if (significant) {
        for (const s of significant) expect(s === 0 || s === 1).toBe(true);
        expect(ev.metrics['n_significant']).toBe(significant.reduce((a, b) => a + b, 0));
      }
    });

    it('finds the planted signal: signal voxels score above noise voxels', async () => {
      const f = await fitted();
      const r = Array.from(await f.score(prob.Xt, prob.Yt));
      expect(median(r.slice(0, prob.signal))).toBeGreaterThan(median(r.slice(prob.signal)) + 0.3);
    });

    it('is deterministic for a seed', async () => {
      const m = await create();
      const a = await m.fit(data, createContext({ seed: 7 }));
      const b = await m.fit(data, createContext({ seed: 7 }));
      expect(Array.from((await a.predict(prob.Xt)).data)).toEqual(Array.from((await b.predict(prob.Xt)).data));
    });

    it('rejects X and Y with different row counts (E_SHAPE_MISMATCH)', async () => {
      const m = await create();
      const Y = matrix(n - 3, v, prob.Y.data.slice(0, (n - 3) * v));
      await expectVoxelwiseError(() => m.fit({ X: prob.X, Y }, createContext()), 'E_SHAPE_MISMATCH');
    });

    it('rejects non-finite features (E_NOT_FINITE naming the position)', async () => {
      const m = await create();
      const X = matrix(n, p, prob.X.data.slice());
      X.data[3 * p + 1] = Number.NaN;
      await expectVoxelwiseError(() => m.fit({ ...data, X }, createContext()), 'E_NOT_FINITE', /row 3, column 1/);
    });

    it('rejects test features with the wrong number of columns (E_SHAPE_MISMATCH)', async () => {
      const f = await fitted();
      await expectVoxelwiseError(() => f.predict(matrix(2, p + 1, new Float32Array(2 * (p + 1)))), 'E_SHAPE_MISMATCH');
    });

    it('reports one finite penalty per voxel in a named convention (when offered)', async () => {
      const f = await fitted();
      if (!f.penalty) return;
      const { convention, description, lambdas } = f.penalty;
      expect(['huth', 'sklearn']).toContain(convention);
      expect(typeof description).toBe('string');
      expect(description.length).toBeGreaterThan(0);
      expect(lambdas.length).toBe(v);
      for (const l of lambdas) expect(Number.isFinite(l) && l >= 0).toBe(true);
      if (!f.alphas) return;
      // huth: λ = (alpha·c)² with one c for all voxels (1, or s_max under normalpha); sklearn: λ = alpha.
      const ratio = (j: number) => (convention === 'huth' ? lambdas[j]! / f.alphas![j]! ** 2 : lambdas[j]! / f.alphas![j]!);
      for (let j = 0; j < v; j++) expect(ratio(j) / (convention === 'huth' ? ratio(0) : 1)).toBeCloseTo(1, 9);
    });

    it('reports validation scores shaped alphas × voxels, with per-alpha means and per-voxel bests (when offered)', async () => {
      const f = await fitted();
      if (!f.validation) return;
      const { alphaGrid, scores, meanByAlpha, best } = f.validation;
      const nA = alphaGrid.length;
      expect(nA).toBeGreaterThan(0);
      for (const a of alphaGrid) expect(Number.isFinite(a)).toBe(true);
      if (scores) {
        expect(scores.length).toBe(nA * v);
        for (const s of scores) expect(Number.isFinite(s)).toBe(true);
      }
      if (meanByAlpha) {
        expect(meanByAlpha.length).toBe(nA);
        if (scores) {
          for (let a = 0; a < nA; a++) {
            let sum = 0;
            for (let j = 0; j < v; j++) sum += scores[a * v + j]!;
            expect(meanByAlpha[a]).toBeCloseTo(sum / v, 10);
          }
        }
      }
      if (best) {
        expect(best.length).toBe(v);
        for (const s of best) expect(Number.isFinite(s)).toBe(true);
        if (scores && f.alphas) {
          for (let j = 0; j < v; j++) {
            const a = alphaGrid.indexOf(f.alphas[j]!);
            expect(a, `voxel ${j}'s alpha is on the grid`).toBeGreaterThanOrEqual(0);
            expect(best[j]).toBe(scores[a * v + j]);
          }
        }
      }
    });

    it('dispose can be called twice (when offered)', async () => {
      const m = await create();
      const f = await m.fit(data, createContext({ seed: 7 }));
      if (!f.dispose) return;
      await f.dispose();
      await f.dispose();
    });

    it('streams weights in voxel blocks that reassemble the weights (when offered)', async () => {
      const f = await fitted();
      if (!f.weightBatches || !f.weights) return;
      const W = f.weights;
      let next = 0;
      for await (const batch of f.weightBatches(3)) {
        expect(batch.voxelStart).toBe(next);
        expect(batch.weights.rows).toBe(p);
        for (let i = 0; i < p; i++)
          for (let j = 0; j < batch.weights.cols; j++)
            expect(batch.weights.data[i * batch.weights.cols + j]).toBe(W.data[i * v + next + j]);
        next += batch.weights.cols;
      }
      expect(next).toBe(v);
    });

    it('cross-validates with per-fold evaluations and combined statistics (when offered)', async () => {
      const m = await create();
      if (!m.crossValidate) return;
      const cv = await m.crossValidate(data, createContext({ seed: 7 }));
      expect(cv.folds.length).toBeGreaterThanOrEqual(2);
      const tested = new Set<number>();
      for (const f of cv.folds) {
        expect(f.evaluation.voxels.r.length).toBe(v);
        expect(f.nTrain + f.testRows.length).toBeLessThanOrEqual(n);
        for (const i of f.testRows) tested.add(i);
      }
      expect(tested.size).toBeGreaterThan(n / 2);
      expect(cv.voxels.r.length).toBe(v);
      expect(cv.majoritySignificant.length).toBe(v);
      for (const key of REQUIRED_METRICS) expect(typeof cv.metrics[key], `metric ${key}`).toBe('number');
      expect(typeof cv.metrics['n_majority_significant']).toBe('number');
      for (let j = 0; j < v; j++) {
        const mean = cv.folds.reduce((s, f) => s + f.evaluation.voxels.r[j]!, 0) / cv.folds.length;
        expect(cv.voxels.r[j]).toBeCloseTo(mean, 10);
      }
    });
  });
}
