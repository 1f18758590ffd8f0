import { describe, expect, it } from 'vitest';
import { createContext, matrix } from '@voxelwise/core';
import type { LogEvent, VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { Matrix as MlMatrix, solve } from 'ml-matrix';
import { createPureBackend } from '../src/index.js';
import type { RidgeSettings } from '../src/index.js';
import { batchWorkspace } from '../src/engine/alpha-path.js';
import { checkFitInput } from '../src/engine/fit-input.js';
import { planFitLayout } from '../src/engine/fit-layout.js';
import { fullGram, gramFactoriser, prepareFold } from '../src/engine/fold-factorisation.js';
import { basisOf } from '../src/engine/fold-projection.js';
import { chosenPenalties, huthLambda } from '../src/engine/penalty.js';
import { refitWeights } from '../src/engine/refit-weights.js';
import { memoryWeightStore } from '../src/engine/weight-store.js';
import { toFloat64 } from '../src/linalg/dense.js';
import { planted } from './planted.js';

const settings: RidgeSettings = {
  alphas: [0.1, 1, 10],
  normalpha: true,
  singcutoff: 1e-10,
  alphaMode: 'per-voxel',
  folds: { type: 'kfold', n: 4 },
  score: 'pearson',
  solver: 'tridiagonal',
  seriesTolerance: 0,
  memoryBudget: 2 * 1024 ** 3,
  precision: 'float64',
  stage: 'model/ridge-cv',
};
const prob = planted(42, 5, 6, 5, { seed: 8 });
const n = prob.X.rows;
const p = prob.X.cols;
const v = prob.Y.cols;
const Xd = toFloat64(prob.X.data);

/** XᵀX in float64, the plain way. */
function gramOf(rows: readonly number[]): Float64Array {
  const G = new Float64Array(p * p);
  for (const i of rows)
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) G[a * p + b] = G[a * p + b]! + Xd[i * p + a]! * Xd[i * p + b]!;
  return G;
}
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

describe('fit phase: checking inputs', () => {
  it('returns sizes, a reader and the seeded folds', () => {
    const c = checkFitInput({ X: prob.X, Y: prob.Y }, settings, createContext({ seed: 1 }));
    expect([c.n, c.p, c.v, c.where]).toEqual([n, p, v, 'ridge:ridge-cv']);
    expect(c.folds.map((f) => f.test.length)).toEqual([11, 11, 10, 10]);
    expect(c.reader.cols).toBe(v);
  });

  it('rejects mismatched rows, bad alphas and folds too small to score', async () => {
    const ctx = createContext();
    const short = matrix(n - 1, v, prob.Y.data.slice(0, (n - 1) * v));
    await expectVoxelwiseError(
      () => checkFitInput({ X: prob.X, Y: short }, settings, ctx),
      'E_SHAPE_MISMATCH',
      /different numbers of rows/,
    );
    await expectVoxelwiseError(
      () => checkFitInput({ X: prob.X, Y: prob.Y }, { ...settings, alphas: [1, 0] }, ctx),
      'E_OPTIONS_INVALID',
      /alphas/,
    );
    const tiny = planted(5, 1, 2, 2, { seed: 1 });
    await expectVoxelwiseError(
      () => checkFitInput({ X: tiny.X, Y: tiny.Y }, { ...settings, folds: { type: 'kfold', n: 5 } }, ctx),
      'E_DATA_INVALID',
      /validation rows/,
    );
  });
});

describe('fit phase: layout', () => {
  const folds = (s: RidgeSettings) => checkFitInput({ X: prob.X, Y: prob.Y }, s, createContext({ seed: 2 })).folds;

  it('k-fold partitions the rows: XᵀY and XᵀX come from the held-out blocks', () => {
    const layout = planFitLayout(Xd, { n, p, v }, folds(settings), settings, () => {});
    expect(layout.partition).toBe(true);
    expect(layout.work.every((w) => w.subtract)).toBe(true);
    expect(layout.rest.length).toBe(0);
    expect(layout.XT).toBeNull();
  });

  it('overlapping bootstrap hold-outs do not partition: XᵀY is formed from Xᵀ', () => {
    const s: RidgeSettings = { ...settings, folds: { type: 'bootstrap', nboots: 3, chunkLength: 4, nchunks: 3 } };
    const layout = planFitLayout(Xd, { n, p, v }, folds(s), s, () => {});
    expect(layout.partition).toBe(false);
    expect([layout.XT?.rows, layout.XT?.cols]).toEqual([p, n]);
  });

  it('warns through an event when even the smallest layout exceeds the budget', () => {
    const events: VoxelwiseEvent[] = [];
    const s = { ...settings, memoryBudget: 1 };
    const layout = planFitLayout(Xd, { n, p, v }, folds(s), s, (e) => events.push(e));
    expect(layout.mem.overBudget).toBe(true);
    expect(events.some((e): e is LogEvent => e.type === 'log' && e.level === 'warn' && /memory budget/.test(e.message))).toBe(true);
  });
});

describe('fit phase: fold factorisation', () => {
  it('the full Gram from held-out blocks equals XᵀX; a fold factor spans its training Gram', async () => {
    const backend = await createPureBackend();
    const f = checkFitInput({ X: prob.X, Y: prob.Y }, settings, createContext({ seed: 2 })).folds;
    const layout = planFitLayout(Xd, { n, p, v }, f, settings, () => {});
    const gram = await fullGram(Xd, n, p, layout, backend);
    const all = Array.from({ length: n }, (_, i) => i);
    expect(maxDiff(gram.G.data, gramOf(all))).toBeLessThan(1e-12);
    expect(gram.crossGrams.size).toBe(f.length);
    const fold = await prepareFold(
      1,
      layout,
      Xd,
      p,
      gram,
      gramFactoriser(backend, settings, () => {}),
      settings,
      backend,
      'float64',
    );
    expect(gram.crossGrams.has(1)).toBe(false);
    // Q·K·Qᵀ reproduces the fold's training Gram.
    const Gtrain = gramOf(Array.from(f[1]!.train));
    const eigen = (await backend.eigh(matrix(p, p, Gtrain))).values;
    expect(fold.sMax2).toBeCloseTo(Math.max(...eigen), 9);
    expect(fold.lambdas).toEqual(settings.alphas.map((a) => huthLambda(a, fold.sMax2, true)));
    expect([fold.H.rows, fold.H.cols]).toEqual([fold.plan.products * f[1]!.test.length, p]);
  });
});

describe('fit phase: refit', () => {
  it('solves (XᵀX + λ_j I)⁻¹XᵀY per voxel from QᵀXᵀY', async () => {
    const backend = await createPureBackend();
    const G = gramOf(Array.from({ length: n }, (_, i) => i));
    const factor = await gramFactoriser(backend, settings, () => {})(matrix(p, p, G), 'full fit');
    const basis = basisOf(factor, 'float64');
    const Yd = toFloat64(prob.Y.data);
    const XtY = (
      await backend.matmul(
        matrix(
          p,
          n,
          Float64Array.from({ length: p * n }, (_, k) => Xd[(k % n) * p + Math.floor(k / n)]!),
        ),
        matrix(n, v, Yd),
        { dtype: 'float64' },
      )
    ).data;
    const weights = memoryWeightStore(p, v, 'float64');
    weights.write(0, (await backend.matmul(basis.QT, matrix(p, v, XtY), { dtype: 'float64' })).data);
    const alphaIndex = Int32Array.from({ length: v }, (_, j) => j % settings.alphas.length);
    const { lambdas } = chosenPenalties(alphaIndex, settings.alphas, factor.sMax2, true);
    const gridLambdas = settings.alphas.map((a) => huthLambda(a, factor.sMax2, true));
    const ws = batchWorkspace(p, 2, 1, 'float64');
    await refitWeights(
      { weights, alphaIndex, gridLambdas, full: factor, fullBasis: basis, batch: 2, ws, backend, where: 'ridge:test' },
      createContext(),
    );
    const W = weights.all();
    for (let j = 0; j < v; j++) {
      const A = new MlMatrix(
        Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => G[a * p + b]! + (a === b ? lambdas[j]! : 0))),
      );
      const rhs = new MlMatrix(Array.from({ length: p }, (_, a) => [XtY[a * v + j]!]));
      const w = solve(A, rhs);
      for (let a = 0; a < p; a++) expect(W[a * v + j]).toBeCloseTo(w.get(a, 0), 10);
    }
  });
});
