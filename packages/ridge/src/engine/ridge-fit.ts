import { assertFinite, matrix, voxelwiseError } from '@voxelwise/core';
import type { DType, Matrix, StageContext } from '@voxelwise/core';
import { createFolds } from '../cv/folds.js';
import type { Fold, FoldSpec } from '../cv/folds.js';
import type { LinalgBackend } from '../linalg/backend.js';
import { takeRows, toFloat32, toFloat64, transposed } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { solveShifted } from '../linalg/tridiagonal-ops.js';
import { selectAlphas } from './alpha-selection.js';
import type { AlphaMode } from './alpha-selection.js';
import { scoreBatch } from './batch-scores.js';
import { basisOf, projectionStack } from './fold-projection.js';
import { planMemory } from './memory-plan.js';
import { planProducts } from './product-plan.js';
import type { ProductPlan } from './product-plan.js';
import { matrixReader } from './response-reader.js';
import type { ResponseReader } from './response-reader.js';
import type { ScoreKind } from './scores.js';
import { factorGram, needsEigenbasis } from './spectral-factor.js';
import type { Solver, SpectralFactor } from './spectral-factor.js';
import { fileWeightStore, memoryWeightStore } from './weight-store.js';
import type { WeightStore } from './weight-store.js';

/** Settings of {@link fitRidge} (the `ridge-cv` options, resolved). */
export interface RidgeSettings {
  /** Alpha grid (Huth/LITcoder convention: penalty λ = a², a = alpha or alpha·s_max with normalpha). */
  alphas: readonly number[];
  /** Multiply alpha by the largest singular value of the (fold's) design matrix. */
  normalpha: boolean;
  /** Singular values at or below this are dropped (eigen solver only). */
  singcutoff: number;
  alphaMode: AlphaMode;
  /** Inner folds used to choose alpha. */
  folds: FoldSpec;
  /** How validation predictions are scored. */
  score: ScoreKind;
  solver: Solver;
  /** Neumann-series truncation tolerance for large alphas; 0 computes every alpha exactly. */
  seriesTolerance: number;
  /** Bytes the fit may use, inputs included. */
  memoryBudget: number;
  /** Force this many voxels per batch. */
  voxelBatch?: number;
  /**
   * Element type of the voxel-sized products and the weights. float32 (default) is what
   * LITcoder runs; float64 reproduces reference values to the last digits on small problems.
   */
  precision: DType;
  /** Event label. */
  stage: string;
}

/** Inputs of {@link fitRidge}. */
export interface RidgeInput {
  /** Samples × features. */
  X: Matrix;
  /** Samples × voxels, in memory or read in voxel blocks. */
  Y: Matrix | ResponseReader;
  /** Group label per sample (for `group` folds). */
  groups?: Int32Array;
}

/** What {@link fitRidge} returns. */
export interface RidgeFitResult {
  /** Features × voxels, in the chosen precision. */
  readonly weights: WeightStore;
  /** Chosen alpha per voxel (grid values). */
  readonly alphas: Float64Array;
  /** Index into the grid of each voxel's alpha. */
  readonly alphaIndex: Int32Array;
  /** Effective penalty λ = a² of each voxel in the final fit. */
  readonly lambdas: Float64Array;
  /** Mean validation score over folds, nAlphas × voxels. */
  readonly cvScores: Float64Array;
  /** Largest singular value of the full design matrix. */
  readonly sMax: number;
  /** The folds used. */
  readonly folds: readonly Fold[];
  /** Reportable details (alpha grid, convention, fold scores, edge counts, layout). */
  readonly info: Record<string, unknown>;
}

interface FoldWork {
  readonly fold: Fold;
  /** Rows whose cross-products are formed per batch, and whether they are the held-out rows. */
  readonly cross: Int32Array;
  readonly subtract: boolean;
}

interface PreparedFold extends FoldWork {
  readonly index: number;
  readonly lambdas: number[];
  readonly sMax2: number;
  readonly plan: ProductPlan;
  readonly H: Matrix;
  readonly crossT: Matrix;
}

function isReader(y: Matrix | ResponseReader): y is ResponseReader {
  return typeof (y as ResponseReader).read === 'function';
}

function complementOf(n: number, rows: Int32Array): Int32Array {
  const mask = new Uint8Array(n);
  for (const i of rows) mask[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!mask[i]) out.push(i);
  return Int32Array.from(out);
}

function addInto(acc: Dense, x: Dense): void {
  for (let k = 0; k < acc.length; k++) acc[k] = acc[k]! + x[k]!;
}

function checkAborted(ctx: StageContext, where: string): void {
  if (ctx.signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where, message: 'ridge fit aborted' });
}

/**
 * Fits ridge regression with the alpha of each voxel (or one for all) chosen by cross-validation
 * on the training rows, then refits on all rows (LITcoder `NestedCVModel.fit_predict` train–test
 * mode, anchors.md §1.7.2; Huth `bootstrap_ridge` with `folds: { type: 'bootstrap' }`, §3.1).
 *
 * Work per fold: one float64 Gram factorisation (`G = Q·K·Qᵀ`, K tridiagonal), then per voxel
 * batch one float32 product of the fold's projection stack with its training cross-products,
 * which yields the validation predictions of every alpha at once. Memory follows the budget:
 * voxels are processed in batches, folds in groups, weights spilled to disk if need be; results
 * do not depend on the batch size.
 */
export async function fitRidge(
  input: RidgeInput,
  settings: RidgeSettings,
  backend: LinalgBackend,
  ctx: StageContext,
): Promise<RidgeFitResult> {
  const where = `ridge:${settings.stage.replace(/^model\//, '')}`;
  const { X } = input;
  const reader = isReader(input.Y) ? input.Y : matrixReader(input.Y);
  const n = X.rows;
  const p = X.cols;
  const v = reader.cols;
  if (reader.rows !== n) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: 'X and Y have different numbers of rows (samples)',
      got: reader.rows,
      expected: n,
      hint: 'Pass one response row per feature row.',
    });
  }
  if (p === 0 || v === 0 || n < 2) {
    throw voxelwiseError({ code: 'E_DATA_INVALID', where, message: `nothing to fit: ${n} samples, ${p} features, ${v} voxels` });
  }
  assertFinite(X, 'X (features)', where);
  const alphas = settings.alphas;
  for (const a of alphas) {
    if (!(a > 0) || !Number.isFinite(a))
      throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where, message: `option "alphas" must hold positive finite numbers`, got: a });
  }
  const nA = alphas.length;
  const folds = createFolds(n, settings.folds, { groups: input.groups, rng: ctx.rng('ridge:folds'), emit: ctx.emit, where });
  folds.forEach((f, i) => {
    if (f.train.length < 1 || f.test.length < 2) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where,
        message: `fold ${i} has ${f.train.length} training and ${f.test.length} validation rows; need at least 1 and 2`,
        hint: 'Use fewer folds or more samples.',
      });
    }
  });
  const dt = settings.precision;
  const Xd: Dense = dt === 'float32' ? toFloat32(X.data) : toFloat64(X.data);
  const alloc = (len: number): Dense => (dt === 'float32' ? new Float32Array(len) : new Float64Array(len));
  const work: FoldWork[] = folds.map((fold) => {
    const held = complementOf(n, fold.train);
    const subtract = held.length <= fold.train.length;
    return { fold, cross: subtract ? held : fold.train, subtract };
  });
  const mem = planMemory({
    n,
    p,
    v,
    nAlphas: nA,
    folds: work.map((w) => ({ nTest: w.fold.test.length, nCross: w.cross.length })),
    budget: settings.memoryBudget,
    voxelBatch: settings.voxelBatch,
  });
  if (mem.overBudget) {
    ctx.emit({
      type: 'log',
      level: 'warn',
      stage: settings.stage,
      message: `memory budget ${(settings.memoryBudget / 1024 ** 3).toFixed(2)} GiB is below the smallest layout (about ${(mem.estimate / 1024 ** 3).toFixed(2)} GiB); running with the smallest layout`,
      details: { estimate: mem.estimate },
    });
  }
  // One pass over the responses can sum XᵀY from the folds' held-out cross-products when they
  // partition the rows (k-fold): then the full XᵀY costs nothing extra.
  const seen = new Uint8Array(n);
  let partition = mem.groups.length === 1 && work.every((w) => w.subtract);
  if (partition) {
    for (const w of work) {
      for (const i of w.cross) {
        if (seen[i]) partition = false;
        seen[i] = 1;
      }
    }
  }
  const rest = partition ? Int32Array.from(Array.from(seen.keys()).filter((i) => !seen[i])) : new Int32Array(0);
  const XT = partition ? null : matrix(p, n, transposed(Xd, n, p));
  const restT = partition && rest.length > 0 ? matrix(p, rest.length, transposed(takeRows(Xd, p, rest), rest.length, p)) : null;

  const totalSteps = folds.length + 1;
  let steps = 0;
  const progress = (unit: string, done: number, total: number, message?: string) =>
    ctx.emit({ type: 'stage:progress', stage: settings.stage, done, total, unit, ...(message ? { message } : {}) });

  const lambdaOf = (alpha: number, sMax2: number) => (settings.normalpha ? alpha * alpha * sMax2 : alpha * alpha);
  const minAlpha = Math.min(...alphas);
  const factor = async (G: Matrix<Float64Array>, label: string): Promise<SpectralFactor> => {
    if (settings.solver === 'eigen') return factorGram(G, backend, 'eigen', settings.singcutoff);
    const f = await factorGram(G, backend, 'tridiagonal', settings.singcutoff);
    if (settings.solver === 'auto' && needsEigenbasis(lambdaOf(minAlpha, f.sMax2), f.sMax2)) {
      ctx.emit({
        type: 'log',
        level: 'info',
        stage: settings.stage,
        message: `${label}: the smallest alpha is below 1e-5·s_max; using the eigenbasis so singcutoff applies (slower)`,
      });
      return factorGram(G, backend, 'eigen', settings.singcutoff);
    }
    return f;
  };

  // With partitioning folds the full Gram matrix is the sum of the held-out blocks' Grams
  // (plus the rest), which the folds need anyway: no separate pass over X.
  const crossGrams = new Map<number, Matrix<Float64Array>>();
  let G: Matrix<Float64Array>;
  if (partition) {
    const sum = new Float64Array(p * p);
    for (const [i, w] of work.entries()) {
      const Gc = await backend.gram(matrix(w.cross.length, p, takeRows(Xd, p, w.cross)));
      crossGrams.set(i, Gc);
      addInto(sum, Gc.data);
    }
    if (rest.length > 0) addInto(sum, (await backend.gram(matrix(rest.length, p, takeRows(Xd, p, rest)))).data);
    G = matrix(p, p, sum);
  } else {
    G = await backend.gram(matrix(n, p, Xd));
  }
  const full = await factor(G, 'full fit');
  const fullBasis = basisOf(full, dt);
  progress('factorisations', ++steps, totalSteps);
  checkAborted(ctx, where);

  const weights = mem.spillWeights ? fileWeightStore(p, v, dt) : memoryWeightStore(p, v, dt);
  const scoreSum = new Float64Array(nA * v);
  const foldMeans = folds.map(() => new Float64Array(nA));
  const foldPlans: Array<{ products: number; exact: number; seriesTerms: number; sMax: number }> = [];

  const prepare = async (index: number): Promise<PreparedFold> => {
    const w = work[index]!;
    const crossRows = takeRows(Xd, p, w.cross);
    const Gc = crossGrams.get(index) ?? (await backend.gram(matrix(w.cross.length, p, crossRows)));
    crossGrams.delete(index);
    const Gf = w.subtract
      ? matrix(
          p,
          p,
          G.data.map((g, k) => g - Gc.data[k]!),
        )
      : Gc;
    const f = await factor(Gf, `fold ${index}`);
    const lambdas = alphas.map((a) => lambdaOf(a, f.sMax2));
    const plan = planProducts(lambdas, f.sMax2, settings.seriesTolerance);
    const H = await projectionStack(Xd, p, w.fold.test, f, basisOf(f, dt), lambdas, plan, backend, dt);
    const crossT = matrix(p, w.cross.length, transposed(crossRows, w.cross.length, p));
    foldPlans[index] = { products: plan.products, exact: plan.exact.length, seriesTerms: plan.terms, sMax: Math.sqrt(f.sMax2) };
    progress('factorisations', ++steps, totalSteps, `fold ${index + 1} of ${folds.length}`);
    checkAborted(ctx, where);
    return { ...w, index, lambdas, sMax2: f.sMax2, plan, H, crossT };
  };

  // Batch workspace, reused across batches and folds so the loop allocates nothing voxel-sized.
  const maxOut = Math.max(...folds.map((f) => alphas.length * f.test.length));
  const ws = {
    cross: new Map<number, Dense>(),
    XtY: alloc(p * mem.batch),
    D: alloc(p * mem.batch),
    out: alloc(maxOut * mem.batch),
    Z: alloc(p * mem.batch),
  };
  const crossBuffer = (index: number, size: number): Dense => {
    let buf = ws.cross.get(index);
    if (!buf) ws.cross.set(index, (buf = alloc(p * mem.batch)));
    return buf.subarray(0, size);
  };

  let zDone = false;
  for (const group of mem.groups) {
    const prepared: PreparedFold[] = [];
    for (const i of group) prepared.push(await prepare(i));
    for (let v0 = 0; v0 < v; v0 += mem.batch) {
      const v1 = Math.min(v, v0 + mem.batch);
      const b = v1 - v0;
      const Yb = await reader.read(v0, v1);
      if (Yb.rows !== n || Yb.cols !== b) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where,
          message: `response block for voxels ${v0}–${v1} has the wrong shape`,
          got: [Yb.rows, Yb.cols],
          expected: [n, b],
        });
      }
      assertFinite(Yb, `Y (responses, voxels ${v0}–${v1 - 1})`, where);
      const Ydata: Dense = dt === 'float32' ? toFloat32(Yb.data) : toFloat64(Yb.data);
      const cross = new Map<number, Dense>();
      for (const f of prepared) {
        const Yc = takeRows(Ydata, b, f.cross);
        cross.set(
          f.index,
          (await backend.matmul(f.crossT, matrix(f.cross.length, b, Yc), { dtype: dt, out: crossBuffer(f.index, p * b) })).data,
        );
      }
      const XtY = ws.XtY.subarray(0, p * b);
      if (partition) {
        XtY.fill(0);
        for (const c of cross.values()) addInto(XtY, c);
        if (restT)
          addInto(
            XtY,
            (await backend.matmul(restT, matrix(rest.length, b, takeRows(Ydata, b, rest)), { dtype: dt, out: ws.D.subarray(0, p * b) }))
              .data,
          );
      } else {
        await backend.matmul(XT!, matrix(n, b, Ydata), { dtype: dt, out: XtY });
      }
      for (const f of prepared) {
        const c = cross.get(f.index)!;
        let D = c;
        if (f.subtract) {
          D = ws.D.subarray(0, p * b);
          for (let k = 0; k < D.length; k++) D[k] = XtY[k]! - c[k]!;
        }
        const out = (await backend.matmul(f.H, matrix(p, b, D), { dtype: dt, out: ws.out.subarray(0, f.H.rows * b) })).data;
        const Yv = takeRows(Ydata, b, f.fold.test);
        const means = foldMeans[f.index]!;
        scoreBatch(out, Yv, f.fold.test.length, b, f.plan, f.lambdas, f.sMax2, settings.score, (a, j, s) => {
          scoreSum[a * v + v0 + j] = scoreSum[a * v + v0 + j]! + s;
          means[a] = means[a]! + s;
        });
      }
      if (!zDone) {
        const Z = (await backend.matmul(fullBasis.QT, matrix(p, b, XtY), { dtype: dt, out: ws.Z.subarray(0, p * b) })).data;
        weights.write(v0, Z);
      }
      progress('voxels', v1, v, mem.groups.length > 1 ? `fold group ${mem.groups.indexOf(group) + 1} of ${mem.groups.length}` : undefined);
      checkAborted(ctx, where);
    }
    zDone = true;
  }

  const F = folds.length;
  const cvScores = scoreSum.map((s) => s / F);
  // Edge warnings concern voxels inner CV can predict: best mean CV score above 3/√n, three
  // standard errors of a null correlation over the n training rows (0 for R², whose null is ≤ 0).
  const predictableFloor = settings.score === 'r2' ? 0 : 3 / Math.sqrt(Math.max(1, n));
  const selection = selectAlphas(cvScores, alphas, v, settings.alphaMode, predictableFloor);
  const chosen = new Float64Array(v);
  const lambdas = new Float64Array(v);
  for (let j = 0; j < v; j++) {
    chosen[j] = alphas[selection.index[j]!]!;
    lambdas[j] = lambdaOf(chosen[j]!, full.sMax2);
  }
  // Final weights W = Q·(K + λ_j I)⁻¹·Qᵀ·XᵀY, solved per alpha on the voxels that chose it.
  for (let v0 = 0; v0 < v; v0 += mem.batch) {
    const v1 = Math.min(v, v0 + mem.batch);
    const b = v1 - v0;
    const Z = weights.read(v0, v1);
    const byAlpha = new Map<number, number[]>();
    for (let j = 0; j < b; j++) {
      const a = selection.index[v0 + j]!;
      let list = byAlpha.get(a);
      if (!list) byAlpha.set(a, (list = []));
      list.push(j);
    }
    const solved = ws.D.subarray(0, p * b);
    for (const [a, cols] of byAlpha) {
      const c = cols.length;
      const block = new Float64Array(p * c);
      for (let i = 0; i < p; i++) for (let t = 0; t < c; t++) block[i * c + t] = Z[i * b + cols[t]!]!;
      solveShifted(full.d, full.e, lambdaOf(alphas[a]!, full.sMax2), block, p, c, full.keep);
      for (let i = 0; i < p; i++) for (let t = 0; t < c; t++) solved[i * b + cols[t]!] = block[i * c + t]!;
    }
    const W = (await backend.matmul(fullBasis.Q, matrix(p, b, solved), { dtype: dt, out: ws.Z.subarray(0, p * b) })).data;
    weights.write(v0, W);
    checkAborted(ctx, where);
  }

  const sMax = Math.sqrt(full.sMax2);
  const { predictable, predictableAtLowEdge: low, predictableAtHighEdge: high } = selection;
  const edgeShare = predictable > 0 ? Math.max(low, high) / predictable : 0;
  const edgeWarnings: string[] = [];
  if (nA > 1 && (settings.alphaMode === 'single' ? selection.atLowEdge + selection.atHighEdge > 0 : edgeShare > 0.1)) {
    const edge =
      settings.alphaMode === 'single' ? (selection.atHighEdge > 0 ? 'largest' : 'smallest') : high >= low ? 'largest' : 'smallest';
    const count = edge === 'largest' ? high : low;
    const message =
      settings.alphaMode === 'single'
        ? `the chosen alpha ${chosen[0]} is the ${edge} of the grid; the optimum may lie beyond it`
        : `${count} of the ${predictable} voxels that inner CV predicts (best CV score > ${predictableFloor.toPrecision(2)}; ${((100 * count) / predictable).toFixed(1)}%) chose the ${edge} alpha of the grid; their optimum may lie beyond it`;
    edgeWarnings.push(message);
    ctx.emit({
      type: 'log',
      level: 'warn',
      stage: settings.stage,
      message: `${message}. Extend the alpha grid.`,
      details: {
        atLowEdge: selection.atLowEdge,
        atHighEdge: selection.atHighEdge,
        predictable,
        predictableAtLowEdge: low,
        predictableAtHighEdge: high,
      },
    });
  }
  const info: Record<string, unknown> = {
    alphaGrid: [...alphas],
    convention: settings.normalpha ? 'huth: lambda = (alpha * s_max)^2 (normalpha)' : 'huth: lambda = alpha^2',
    normalpha: settings.normalpha,
    sMax,
    gridLambdas: alphas.map((a) => lambdaOf(a, full.sMax2)),
    lambdas,
    alphaMode: settings.alphaMode,
    chosenAlphaCounts: Object.fromEntries(alphas.map((a, i) => [String(a), Array.from(selection.index).filter((k) => k === i).length])),
    meanCvScoreByAlpha: Array.from(selection.meanOverVoxels),
    foldScores: foldMeans.map((m) => Array.from(m, (s) => s / v)),
    folds: { spec: settings.folds, count: F, sizes: folds.map((f) => ({ train: f.train.length, test: f.test.length })) },
    foldPlans,
    score: settings.score,
    solver: full.kind,
    backend: backend.name,
    edgeWarnings,
    alphaEdges: { low: selection.atLowEdge, high: selection.atHighEdge, predictable, predictableLow: low, predictableHigh: high },
    layout: { voxelBatch: mem.batch, foldGroups: mem.groups.length, weightsSpilled: mem.spillWeights, estimatedPeakBytes: mem.estimate },
  };
  return { weights, alphas: chosen, alphaIndex: selection.index, lambdas, cvScores, sMax, folds, info };
}
