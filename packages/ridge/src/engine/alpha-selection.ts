/** One alpha for all voxels, or one per voxel. */
export type AlphaMode = 'per-voxel' | 'single';

/** Which alpha wins a tie: the larger one (himalaya) or the first in grid order (numpy argmax). */
export type TieBreak = 'larger-alpha' | 'first';

/** Result of {@link selectAlphas}. */
export interface AlphaSelection {
  /** Index into the grid of each voxel's alpha. */
  readonly index: Int32Array;
  /** Voxels whose alpha is the smallest / largest of the grid. */
  readonly atLowEdge: number;
  readonly atHighEdge: number;
  /** Voxels whose best CV score exceeds `minScore` (the ones an edge warning is about). */
  readonly predictable: number;
  /** Predictable voxels whose alpha is the smallest / largest of the grid. */
  readonly predictableAtLowEdge: number;
  readonly predictableAtHighEdge: number;
  /** For `single`: the mean CV score of each alpha over voxels. */
  readonly meanOverVoxels: Float64Array;
}

/**
 * Chooses alphas from mean CV scores (nAlphas × v, mean over folds): per voxel the argmax, or for
 * `single` the argmax of the mean over voxels (LITcoder `encoding/models/nested_cv.py` `NestedCVModel._find_best_alphas`).
 * Unlike LITcoder's argmax, a tie goes to the larger alpha (the smoother model), as himalaya's
 * cross-validated solvers do (they add 1e-10·log(alpha) to the scores before the argmax). With
 * `tieBreak: 'first'` the first maximum in grid order wins, as numpy's argmax in LITcoder and in
 * Huth's ridge.py (HuthLab/deep-fMRI-dataset, ridge_utils/ridge.py `bootstrap_ridge`).
 */
export function selectAlphas(
  scores: Float64Array,
  alphas: readonly number[],
  v: number,
  mode: AlphaMode,
  minScore = -Infinity,
  tieBreak: TieBreak = 'larger-alpha',
): AlphaSelection {
  const nA = alphas.length;
  const larger = tieBreak === 'larger-alpha';
  const better = (s: number, a: number, bestS: number, bestA: number): boolean =>
    s > bestS || (larger && s === bestS && alphas[a]! > alphas[bestA]!);
  const meanOverVoxels = new Float64Array(nA);
  for (let a = 0; a < nA; a++) {
    let sum = 0;
    for (let j = 0; j < v; j++) sum += scores[a * v + j]!;
    meanOverVoxels[a] = v > 0 ? sum / v : 0;
  }
  const index = new Int32Array(v);
  if (mode === 'single') {
    let best = 0;
    for (let a = 1; a < nA; a++) if (better(meanOverVoxels[a]!, a, meanOverVoxels[best]!, best)) best = a;
    index.fill(best);
  } else {
    for (let j = 0; j < v; j++) {
      let best = 0;
      for (let a = 1; a < nA; a++) if (better(scores[a * v + j]!, a, scores[best * v + j]!, best)) best = a;
      index[j] = best;
    }
  }
  let lo = 0;
  let hi = 0;
  for (let a = 1; a < nA; a++) {
    if (alphas[a]! < alphas[lo]!) lo = a;
    if (alphas[a]! > alphas[hi]!) hi = a;
  }
  let atLowEdge = 0;
  let atHighEdge = 0;
  let predictable = 0;
  let predictableAtLowEdge = 0;
  let predictableAtHighEdge = 0;
  for (let j = 0; j < v; j++) {
    // A voxel that no alpha predicts picks an edge by chance; it says nothing about the grid.
    let best = -Infinity;
    for (let a = 0; a < nA; a++) best = Math.max(best, scores[a * v + j]!);
    const counts = best > minScore;
    if (counts) predictable++;
    if (nA < 2) continue;
    if (alphas[index[j]!] === alphas[lo]) {
      atLowEdge++;
      if (counts) predictableAtLowEdge++;
    } else if (alphas[index[j]!] === alphas[hi]) {
      atHighEdge++;
      if (counts) predictableAtHighEdge++;
    }
  }
  return { index, atLowEdge, atHighEdge, predictable, predictableAtLowEdge, predictableAtHighEdge, meanOverVoxels };
}
