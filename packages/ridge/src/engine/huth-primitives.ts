import { matrix } from '@voxelwise/core';
import type { Matrix, StageContext } from '@voxelwise/core';
import { createContext } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { createPureBackend } from '../linalg/pure-backend.js';
import { fitRidge } from './ridge-fit.js';
import type { ScoreKind } from './scores.js';
import type { Solver } from './spectral-factor.js';

/** Options shared by {@link ridgeWeights} and {@link ridgeCorr}. */
export interface RidgePrimitiveOptions {
  /** Scale alpha by the largest singular value of the training matrix. @default false (Huth) */
  normalpha?: boolean;
  /** Singular values at or below this are dropped (only with solver `eigen`). @default 1e-10 */
  singcutoff?: number;
  /** @default 'tridiagonal' (no truncation, as Huth's `ridge`) */
  solver?: Solver;
  /** @default 'float64' */
  precision?: 'float32' | 'float64';
  /** @default the pure TypeScript backend */
  backend?: LinalgBackend;
  ctx?: StageContext;
}

function stack(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array((a.rows + b.rows) * a.cols);
  out.set(a.data);
  out.set(b.data, a.data.length);
  return matrix(a.rows + b.rows, a.cols, out);
}

/**
 * Scores of every alpha on a fixed train/validation pair, rows = alphas (Huth lab deep-fMRI-dataset
 * `encoding/ridge_utils/ridge.py` `ridge_corr`: `use_corr` ↔ score `pearson`, otherwise score
 * `huth`; LITcoder `encoding/models/ridge_utils.py` `ridge_corr_torch` ↔ score `litcoder`).
 *
 * @example
 * const scores = await ridgeCorr(X, Xt, Y, Yt, [0.1, 1, 10], { score: 'pearson' });
 */
export async function ridgeCorr(
  Xtrain: Matrix,
  Xval: Matrix,
  Ytrain: Matrix,
  Yval: Matrix,
  alphas: readonly number[],
  options: RidgePrimitiveOptions & { score?: ScoreKind } = {},
): Promise<Matrix<Float64Array>> {
  const backend = options.backend ?? (await createPureBackend());
  const n = Xtrain.rows;
  const m = Xval.rows;
  const train = Int32Array.from({ length: n }, (_, i) => i);
  const test = Int32Array.from({ length: m }, (_, i) => n + i);
  const fit = await fitRidge(
    { X: stack(Xtrain, Xval), Y: stack(Ytrain, Yval) },
    {
      alphas,
      normalpha: options.normalpha ?? false,
      singcutoff: options.singcutoff ?? 1e-10,
      alphaMode: 'per-voxel',
      folds: { type: 'explicit', folds: [{ train, test }] },
      score: options.score ?? 'pearson',
      solver: options.solver ?? 'tridiagonal',
      seriesTolerance: 0,
      memoryBudget: 4 * 1024 ** 3,
      precision: options.precision ?? 'float64',
      stage: 'model/ridge-corr',
    },
    backend,
    options.ctx ?? createContext(),
  );
  fit.weights.dispose();
  return matrix(alphas.length, Ytrain.cols, fit.cvScores);
}

/**
 * Ridge weights `(XᵀX + a²I)⁻¹XᵀY` ≡ `V·diag(s/(s²+a²))·UᵀY` (Huth lab deep-fMRI-dataset `encoding/ridge_utils/ridge.py` `ridge`), with
 * one alpha for all voxels or one per voxel.
 *
 * @example
 * const W = await ridgeWeights(X, Y, 1.0);               // Huth ridge(X, Y, 1.0)
 * const Wn = await ridgeWeights(X, Y, 0.5, { normalpha: true });
 */
export async function ridgeWeights(
  X: Matrix,
  Y: Matrix,
  alpha: number | ArrayLike<number>,
  options: RidgePrimitiveOptions = {},
): Promise<Matrix> {
  const backend = options.backend ?? (await createPureBackend());
  const v = Y.cols;
  const perVoxel = typeof alpha === 'number' ? null : Float64Array.from(alpha);
  const grid = perVoxel ? [...new Set(perVoxel)] : [alpha as number];
  // One fit per distinct alpha (a one-alpha grid needs no selection); columns are gathered after.
  const out = new Float64Array(X.cols * v);
  const n = X.rows;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (const a of grid) {
    const fit = await fitRidge(
      { X, Y },
      {
        alphas: [a],
        normalpha: options.normalpha ?? false,
        singcutoff: options.singcutoff ?? 1e-10,
        alphaMode: 'single',
        folds: { type: 'explicit', folds: [{ train: all, test: all }] },
        score: 'pearson',
        solver: options.solver ?? 'tridiagonal',
        seriesTolerance: 0,
        memoryBudget: 4 * 1024 ** 3,
        precision: options.precision ?? 'float64',
        stage: 'model/ridge',
      },
      backend,
      options.ctx ?? createContext(),
    );
    const W = fit.weights.all();
    for (let i = 0; i < X.cols; i++) for (let j = 0; j < v; j++) if (!perVoxel || perVoxel[j] === a) out[i * v + j] = W[i * v + j]!;
    fit.weights.dispose();
  }
  return matrix(X.cols, v, out);
}
