import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { voxelwiseError, zeros } from '@voxelwise/core';
import type { Evaluation, FitData, FittedModel, Matrix, StageContext } from '@voxelwise/core';
import { columnCorrelations } from './pearson.js';

/** Options of {@link fitRidgeCV}. */
export interface RidgeCVOptions {
  alphas: readonly number[];
  normalpha: boolean;
  nFolds: number;
  alphaMode: 'single' | 'per-voxel';
}

function gram(X: Matrix): MlMatrix {
  const { rows: n, cols: p, data } = X;
  const g = new MlMatrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * p + a]! * data[i * p + b]!;
      g.set(a, b, s);
      g.set(b, a, s);
    }
  }
  return g;
}

function crossProduct(X: Matrix, Y: Matrix): Float64Array {
  const { rows: n, cols: p } = X;
  const v = Y.cols;
  const out = new Float64Array(p * v);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const x = X.data[i * p + a]!;
      if (x === 0) continue;
      const o = a * v;
      for (let j = 0; j < v; j++) out[o + j]! += x * Y.data[i * v + j]!;
    }
  }
  return out;
}

function multiply(X: Matrix, W: Float64Array, v: number): Matrix<Float64Array> {
  const { rows: n, cols: p } = X;
  const out = zeros(n, v, 'float64');
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const x = X.data[i * p + a]!;
      if (x === 0) continue;
      const o = a * v;
      for (let j = 0; j < v; j++) out.data[i * v + j]! += x * W[o + j]!;
    }
  }
  return out;
}

/** Ridge solutions for several alphas from one eigendecomposition of XᵀX. */
function ridgeSolver(X: Matrix, Y: Matrix, normalpha: boolean) {
  const evd = new EigenvalueDecomposition(gram(X), { assumeSymmetric: true });
  const s2 = evd.realEigenvalues.map((e) => Math.max(e, 0));
  const V = evd.eigenvectorMatrix;
  const p = X.cols;
  const v = Y.cols;
  const XtY = crossProduct(X, Y);
  // Z = Vᵀ XᵀY
  const Z = new Float64Array(p * v);
  for (let k = 0; k < p; k++) for (let a = 0; a < p; a++) {
    const vk = V.get(a, k);
    if (vk === 0) continue;
    for (let j = 0; j < v; j++) Z[k * v + j]! += vk * XtY[a * v + j]!;
  }
  const smax = Math.sqrt(Math.max(...s2, 0));
  return {
    smax,
    /** Weights for penalty a = alpha (× s_max with normalpha): V diag(1/(s² + a²)) Vᵀ XᵀY (Huth ridge.py). */
    weights(alpha: number): Float64Array {
      const a = normalpha ? alpha * smax : alpha;
      const W = new Float64Array(p * v);
      for (let k = 0; k < p; k++) {
        const f = 1 / (s2[k]! + a * a);
        for (let b = 0; b < p; b++) {
          const vb = V.get(b, k) * f;
          if (vb === 0) continue;
          for (let j = 0; j < v; j++) W[b * v + j]! += vb * Z[k * v + j]!;
        }
      }
      return W;
    },
  };
}

function contiguousFolds(n: number, k: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let f = 0; f < k; f++) out.push([Math.floor((f * n) / k), Math.floor(((f + 1) * n) / k)]);
  return out;
}

function takeRows(m: Matrix, keep: (i: number) => boolean): Matrix<Float64Array> {
  const idx: number[] = [];
  for (let i = 0; i < m.rows; i++) if (keep(i)) idx.push(i);
  const out = zeros(idx.length, m.cols, 'float64');
  idx.forEach((src, dst) => out.data.set(m.data.subarray(src * m.cols, (src + 1) * m.cols), dst * m.cols));
  return out;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Headline metrics with LITcoder's key names. */
export function summarise(r: Float64Array): Record<string, number> {
  const sorted = Float64Array.from(r).sort();
  let sum = 0;
  for (const x of r) sum += x;
  const mean = sum / r.length;
  let ss = 0;
  for (const x of r) ss += (x - mean) ** 2;
  return {
    median_score: quantile(sorted, 0.5),
    mean_score: mean,
    std_score: Math.sqrt(ss / r.length),
    min_score: sorted[0]!,
    max_score: sorted[sorted.length - 1]!,
  };
}

/** Fits ridge with the alpha chosen by contiguous k-fold CV on the training rows. */
export async function fitRidgeCV(data: FitData, options: RidgeCVOptions, ctx: StageContext): Promise<FittedModel> {
  const { X, Y } = data;
  if (X.rows !== Y.rows) {
    throw voxelwiseError({ code: 'E_SHAPE_MISMATCH', where: 'ridge:ridge-cv', message: 'X and Y have different numbers of rows', got: X.rows, expected: Y.rows });
  }
  const v = Y.cols;
  const nA = options.alphas.length;
  const cvScores = new Float64Array(nA * v);
  const folds = contiguousFolds(X.rows, options.nFolds);
  for (const [fi, [s, e]] of folds.entries()) {
    const inTrain = (i: number) => i < s || i >= e;
    const solver = ridgeSolver(takeRows(X, inTrain), takeRows(Y, inTrain), options.normalpha);
    const Xv = takeRows(X, (i) => !inTrain(i));
    const Yv = takeRows(Y, (i) => !inTrain(i));
    options.alphas.forEach((alpha, ai) => {
      const r = columnCorrelations(multiply(Xv, solver.weights(alpha), v), Yv);
      for (let j = 0; j < v; j++) cvScores[ai * v + j]! += r[j]! / folds.length;
    });
    ctx.emit({ type: 'stage:progress', stage: 'model/ridge-cv', done: fi + 1, total: folds.length, unit: 'folds' });
  }
  // Choose alphas: argmax of the CV score, ties toward the larger alpha.
  const chosen = new Float64Array(v);
  if (options.alphaMode === 'single') {
    let best = 0;
    let bestScore = -Infinity;
    for (let ai = 0; ai < nA; ai++) {
      let m = 0;
      for (let j = 0; j < v; j++) m += cvScores[ai * v + j]!;
      m /= v;
      if (m >= bestScore) {
        bestScore = m;
        best = ai;
      }
    }
    chosen.fill(options.alphas[best]!);
  } else {
    for (let j = 0; j < v; j++) {
      let best = 0;
      for (let ai = 1; ai < nA; ai++) if (cvScores[ai * v + j]! >= cvScores[best * v + j]!) best = ai;
      chosen[j] = options.alphas[best]!;
    }
  }
  const solver = ridgeSolver(X, Y, options.normalpha);
  const p = X.cols;
  const W = new Float64Array(p * v);
  const byAlpha = new Map<number, Float64Array>();
  for (let j = 0; j < v; j++) {
    const alpha = chosen[j]!;
    let w = byAlpha.get(alpha);
    if (!w) byAlpha.set(alpha, (w = solver.weights(alpha)));
    for (let a = 0; a < p; a++) W[a * v + j] = w[a * v + j]!;
  }
  const weights = { rows: p, cols: v, data: W };
  const predict = async (Xt: Matrix) => multiply(Xt, W, v);
  return {
    weights,
    alphas: chosen,
    info: { alphas: [...options.alphas], normalpha: options.normalpha, alphaMode: options.alphaMode, smax: solver.smax, lambdas: Array.from(chosen, (a) => (options.normalpha ? a * solver.smax : a) ** 2) },
    predict,
    score: async (Xt, Yt) => columnCorrelations(await predict(Xt), Yt),
    async evaluate(Xt, Yt): Promise<Evaluation> {
      const predictions = await predict(Xt);
      const r = columnCorrelations(predictions, Yt);
      return { metrics: summarise(r), voxels: { r }, predictions };
    },
  };
}
