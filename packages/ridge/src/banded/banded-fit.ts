import { matrix } from '@voxelwise/core';
import type { DType, FeatureBand, Matrix, StageContext } from '@voxelwise/core';
import { checkAborted } from '../engine/abort.js';
import { batchWorkspace, scoreAlphaPath } from '../engine/alpha-path.js';
import type { BatchWorkspace } from '../engine/alpha-path.js';
import { selectAlphas } from '../engine/alpha-selection.js';
import { checkFitInput } from '../engine/fit-input.js';
import { gridEdgeWarning } from '../engine/fit-report.js';
import { planFitLayout } from '../engine/fit-layout.js';
import type { RidgeFitResult, RidgeInput, RidgeSettings } from '../engine/fit-types.js';
import { fullGram, gramFactoriser } from '../engine/fold-factorisation.js';
import type { GramFactoriser, PreparedFold } from '../engine/fold-factorisation.js';
import { basisOf, projectionStack } from '../engine/fold-projection.js';
import { planProducts } from '../engine/product-plan.js';
import { refitWeights } from '../engine/refit-weights.js';
import { fileWeightStore, memoryWeightStore } from '../engine/weight-store.js';
import type { WeightStore } from '../engine/weight-store.js';
import type { LinalgBackend } from '../linalg/backend.js';
import { takeRows, toFloat32, toFloat64, transposed } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { checkBands, columnScales } from './band-layout.js';

/** Settings of {@link fitBandedRidge}: ridge's, with the alphas in himalaya's convention (λ = α). */
export interface BandedSettings extends Omit<RidgeSettings, 'normalpha'> {
  /** Band-weight candidates, candidates × bands, row-major; each row on the simplex. */
  readonly gammas: Float64Array;
}

/** Inputs of {@link fitBandedRidge}. */
export interface BandedInput extends RidgeInput {
  /** Feature spaces of X (see `FitData.bands`); absent = one band. */
  readonly bands?: readonly FeatureBand[];
}

/** What {@link fitBandedRidge} returns: a ridge fit result (alphas in himalaya's convention) plus the band choice. */
export interface BandedFitResult {
  /** Weights on the unscaled columns, chosen alphas, the chosen candidate's alpha path scores. */
  readonly ridge: RidgeFitResult;
  readonly bands: readonly FeatureBand[];
  /** The candidates searched, candidates × bands. */
  readonly candidates: Float64Array;
  /** Index of each voxel's chosen candidate. */
  readonly candidateIndex: Int32Array;
  /** Per candidate and voxel, the CV score at that candidate's best alpha (candidates × voxels). */
  readonly candidateScores: Float64Array;
}

/** D·G·D for the column scales `s`: the Gram matrix of the scaled columns (a congruence, O(p²)). */
function congruence(G: Float64Array, s: Float64Array, p: number): Matrix<Float64Array> {
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const si = s[i]!;
    const o = i * p;
    for (let j = 0; j < p; j++) out[o + j] = G[o + j]! * si * s[j]!;
  }
  return matrix(p, p, out);
}

/** Columns of a rows × p block scaled by `s` (in place). */
function scaleColumns(A: Dense, s: Float64Array, rows: number, p: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) A[r * p + j] = A[r * p + j]! * s[j]!;
}

/**
 * Fits banded ridge regression (himalaya `BandedRidgeCV` with its `random_search` solver,
 * `himalaya/ridge/_random_search.py::solve_group_ridge_random_search`): for each band-weight
 * candidate γ the columns of band b are scaled by √γ_b and the whole alpha path is scored by
 * cross-validation exactly as `ridge-cv` scores its path (same folds, score, ties, batching:
 * ridge's own engine phases); each voxel keeps the candidate whose best alpha scores highest
 * (an earlier candidate wins a tie, as in himalaya), and the weights are refitted on all rows.
 * The effective penalty of band b is λ_b = α / γ_b.
 *
 * Work shared across candidates: the float64 Gram matrix of every fold is computed once; a
 * candidate's Gram is its congruence D·G·D (D = diag(√γ) per column, O(p²)); the cross-products
 * XᵀY stay unscaled because the scaling is folded into each fold's projection stack
 * (H·D), so only the factorisations, stacks and the stack products are per candidate.
 */
export async function fitBandedRidge(
  input: BandedInput,
  settings: BandedSettings,
  backend: LinalgBackend,
  ctx: StageContext,
): Promise<BandedFitResult> {
  const alphas = settings.alphas;
  // Ridge's engine speaks Huth's convention (λ = a²); a = √α without normalpha is himalaya's λ = α.
  const engine: RidgeSettings = { ...settings, alphas: alphas.map(Math.sqrt), normalpha: false };
  const { where, reader, n, p, v, folds } = checkFitInput(input, engine, ctx);
  const bands = checkBands(input.bands, p, where);
  const k = bands.length;
  const C = settings.gammas.length / k;
  const F = folds.length;
  const dt: DType = settings.precision;
  const Xd: Dense = dt === 'float32' ? toFloat32(input.X.data) : toFloat64(input.X.data);
  // The folds' Gram matrices (kept across candidates), the per-candidate scores and the scaled
  // copy of X are the banded fit's own memory; the rest of the budget goes to ridge's planner.
  const own = F * p * p * 8 + 3 * C * v * 8 + n * p * (dt === 'float32' ? 4 : 8);
  const layout = planFitLayout(
    Xd,
    { n, p, v },
    folds,
    { ...engine, memoryBudget: Math.max(settings.memoryBudget - own, settings.memoryBudget / 4) },
    ctx.emit,
  );
  const factor: GramFactoriser = gramFactoriser(backend, engine, ctx.emit);
  const gram = await fullGram(Xd, n, p, layout, backend);
  const foldGrams: Float64Array[] = [];
  const crossT: Matrix[] = [];
  for (const [i, w] of layout.work.entries()) {
    const rows = takeRows(Xd, p, w.cross);
    const Gc = gram.crossGrams.get(i) ?? (await backend.gram(matrix(w.cross.length, p, rows)));
    gram.crossGrams.delete(i);
    foldGrams.push(w.subtract ? gram.G.data.map((g, q) => g - Gc.data[q]!) : Gc.data);
    crossT.push(matrix(p, w.cross.length, transposed(rows, w.cross.length, p)));
  }
  checkAborted(ctx, where);

  const store = layout.mem.spillWeights ? fileWeightStore(p, v, dt) : memoryWeightStore(p, v, dt);
  const maxOut = Math.max(...folds.map((f) => alphas.length * f.test.length));
  const ws = batchWorkspace(p, layout.mem.batch, maxOut, dt);
  const nA = alphas.length;
  const predictableFloor = settings.score === 'r2' ? 0 : 3 / Math.sqrt(Math.max(1, n));
  const candidateScores = new Float64Array(C * v);
  const candidateIndex = new Int32Array(v);
  const alphaIndex = new Int32Array(v);
  const best = new Float64Array(v).fill(-Infinity);
  const chosenPath = new Float64Array(nA * v);
  const foldPlans: Array<PreparedFold['summary'] & { candidate: number }> = [];

  for (let c = 0; c < C; c++) {
    const s = columnScales(bands, settings.gammas.subarray(c * k, (c + 1) * k), p);
    const Xs: Dense = dt === 'float32' ? new Float32Array(n * p) : new Float64Array(n * p);
    Xs.set(Xd);
    scaleColumns(Xs, s, n, p);
    const prepare = async (index: number): Promise<PreparedFold> => {
      const w = layout.work[index]!;
      const f = await factor(congruence(foldGrams[index]!, s, p), `candidate ${c + 1}, fold ${index + 1}`);
      const lambdas = [...alphas];
      const plan = planProducts(lambdas, f.sMax2, engine.seriesTolerance);
      const H = await projectionStack(Xs, p, w.fold.test, f, basisOf(f, dt), lambdas, plan, backend, dt);
      // X_val·D·(DGD + λI)⁻¹·D·XᵀY: the trailing D goes into the stack so XᵀY stays unscaled.
      scaleColumns(H.data, s, H.rows, p);
      const summary = { products: plan.products, exact: plan.exact.length, seriesTerms: plan.terms, sMax: Math.sqrt(f.sMax2) };
      foldPlans.push({ ...summary, candidate: c });
      checkAborted(ctx, where);
      return { ...w, index, lambdas, sMax2: f.sMax2, plan, H, crossT: crossT[index]!, summary };
    };
    const path = await scoreAlphaPath(
      {
        reader,
        n,
        p,
        v,
        nAlphas: nA,
        layout,
        prepare,
        // The first pass keeps XᵀY of every voxel for the refit.
        ...(c === 0 ? { weights: store } : {}),
        ws,
        score: settings.score,
        backend,
        stage: settings.stage,
        where,
      },
      ctx,
    );
    const cv = path.scoreSum.map((x) => x / F);
    const sel = selectAlphas(cv, alphas, v, settings.alphaMode, predictableFloor, settings.tieBreak);
    for (let j = 0; j < v; j++) {
      const score = cv[sel.index[j]! * v + j]!;
      candidateScores[c * v + j] = score;
      if (c === 0 || score > best[j]!) {
        best[j] = score;
        candidateIndex[j] = c;
        alphaIndex[j] = sel.index[j]!;
        for (let a = 0; a < nA; a++) chosenPath[a * v + j] = cv[a * v + j]!;
      }
    }
    ctx.emit({ type: 'stage:progress', stage: settings.stage, done: c + 1, total: C, unit: 'candidates' });
    checkAborted(ctx, where);
  }

  await refitBanded(
    {
      store,
      G: gram.G.data,
      bands,
      gammas: settings.gammas,
      candidateIndex,
      alphaIndex,
      alphas,
      factor,
      ws,
      batch: layout.mem.batch,
      backend,
      where,
    },
    ctx,
  );

  // ridge-cv's grid-edge warning, on each voxel's chosen candidate (per-voxel alphas only: with
  // `single` the alpha is shared per candidate, not across them).
  const edges =
    settings.alphaMode === 'per-voxel' ? selectAlphas(chosenPath, alphas, v, 'per-voxel', predictableFloor, settings.tieBreak) : null;
  const warning = edges
    ? gridEdgeWarning(
        edges,
        Float64Array.from(edges.index, (a) => alphas[a]!),
        engine,
        predictableFloor,
        ctx.emit,
      )
    : null;
  const meanByAlpha = new Float64Array(nA);
  for (let a = 0; a < nA; a++) {
    let sum = 0;
    for (let j = 0; j < v; j++) sum += chosenPath[a * v + j]!;
    meanByAlpha[a] = v > 0 ? sum / v : 0;
  }
  const chosenAlphas = Float64Array.from(alphaIndex, (a) => alphas[a]!);
  const chosenCounts = new Array<number>(C).fill(0);
  for (const c of candidateIndex) chosenCounts[c] = chosenCounts[c]! + 1;
  const ridge: RidgeFitResult = {
    weights: store,
    alphas: chosenAlphas,
    alphaIndex,
    alphaGrid: Float64Array.from(alphas),
    normalpha: false,
    lambdas: chosenAlphas,
    cvScores: chosenPath,
    meanByAlpha,
    sMax: 0,
    folds,
    info: {
      convention: 'sklearn',
      bands: bands.map((b) => ({ ...b })),
      candidates: Array.from({ length: C }, (_, c) => Array.from(settings.gammas.subarray(c * k, (c + 1) * k))),
      chosenCandidateCounts: chosenCounts,
      alphaMode: settings.alphaMode,
      score: settings.score,
      folds: folds.map((f) => ({ train: f.train.length, test: f.test.length })),
      foldPlans,
      edgeWarnings: warning ? [warning] : [],
      backend: backend.name,
      layout: { batch: layout.mem.batch, foldGroups: layout.mem.groups.length, spillWeights: layout.mem.spillWeights },
    },
  };
  return { ridge, bands, candidates: settings.gammas, candidateIndex, candidateScores };
}

/** Inputs of {@link refitBanded}. */
interface RefitBandedInputs {
  /** Holds XᵀY (unscaled) on entry, the weights on the unscaled columns on return. */
  readonly store: WeightStore;
  /** Gram matrix of all rows, p × p. */
  readonly G: Float64Array;
  readonly bands: readonly FeatureBand[];
  readonly gammas: Float64Array;
  readonly candidateIndex: Int32Array;
  readonly alphaIndex: Int32Array;
  readonly alphas: readonly number[];
  readonly factor: GramFactoriser;
  readonly ws: BatchWorkspace;
  readonly batch: number;
  readonly backend: LinalgBackend;
  readonly where: string;
}

/**
 * Refits on all rows, one chosen candidate at a time: its full Gram D·G·D is factored once, its
 * voxels' D·XᵀY projected onto the basis, solved per alpha by ridge's own refit, and the weights
 * mapped back to the unscaled columns (w = D·β, as himalaya multiplies the primal weights by √γ).
 */
async function refitBanded(input: RefitBandedInputs, ctx: StageContext): Promise<void> {
  const { store, G, bands, gammas, candidateIndex, alphaIndex, alphas, factor, ws, batch, backend, where } = input;
  const p = store.rows;
  const v = store.cols;
  const k = bands.length;
  const dt = store.dtype;
  const byCandidate = new Map<number, number[]>();
  candidateIndex.forEach((c, j) => {
    let list = byCandidate.get(c);
    if (!list) byCandidate.set(c, (list = []));
    list.push(j);
  });
  for (const c of [...byCandidate.keys()].sort((a, b) => a - b)) {
    const voxels = byCandidate.get(c)!; // ascending
    const m = voxels.length;
    const s = columnScales(bands, gammas.subarray(c * k, (c + 1) * k), p);
    const f = await factor(congruence(G, s, p), `candidate ${c + 1}, full fit`);
    const basis = basisOf(f, dt);
    // Block by block of the store (at most `batch` voxels, so memory stays that of one batch):
    // gather the candidate's voxels, project D·XᵀY, solve with ridge's refit, scatter w = D·β back.
    for (let t = 0; t < m;) {
      const v0 = voxels[t]!;
      const v1 = Math.min(v, v0 + batch);
      const cols: number[] = [];
      while (t < m && voxels[t]! < v1) cols.push(voxels[t++]! - v0);
      const blk = store.read(v0, v1);
      const b = v1 - v0;
      const q = cols.length;
      const D = dt === 'float32' ? new Float32Array(p * q) : new Float64Array(p * q);
      for (let i = 0; i < p; i++) for (let u = 0; u < q; u++) D[i * q + u] = blk[i * b + cols[u]!]! * s[i]!;
      const Z = memoryWeightStore(p, q, dt);
      Z.write(0, (await backend.matmul(basis.QT, matrix(p, q, D), { dtype: dt })).data);
      const sub = Int32Array.from(cols, (u) => alphaIndex[v0 + u]!);
      await refitWeights({ weights: Z, alphaIndex: sub, gridLambdas: alphas, full: f, fullBasis: basis, batch, ws, backend, where }, ctx);
      const W = Z.all();
      for (let i = 0; i < p; i++) for (let u = 0; u < q; u++) blk[i * b + cols[u]!] = W[i * q + u]! * s[i]!;
      store.write(v0, blk);
    }
    checkAborted(ctx, where);
  }
}
