import { voxelwiseError } from '@voxelwise/core';
import { chiSquareSurvivalEven, studentTSurvival } from './special.js';

/** The alternative hypothesis of a correlation test. */
export type Alternative = 'two-sided' | 'greater' | 'less';

/**
 * p-value of a Pearson correlation `r` over `n` samples under H0: ρ = 0, from
 * t = r·√((n−2)/(1−r²)) on n−2 degrees of freedom (scipy.stats.pearsonr).
 * NaN r gives 1 (LITcoder's nan → 1 rule); n ≤ 2 gives 1.
 */
export function pearsonPValue(r: number, n: number, alternative: Alternative = 'two-sided'): number {
  if (!Number.isFinite(r) || n <= 2) return 1;
  const rc = Math.max(-1, Math.min(1, r));
  const df = n - 2;
  const t = Math.abs(rc) >= 1 ? (rc > 0 ? Infinity : -Infinity) : rc * Math.sqrt(df / ((1 - rc) * (1 + rc)));
  if (alternative === 'greater') return studentTSurvival(t, df);
  if (alternative === 'less') return studentTSurvival(-t, df);
  return Math.min(1, 2 * studentTSurvival(Math.abs(t), df));
}

/** {@link pearsonPValue} for every voxel. */
export function pearsonPValues(r: Float64Array, n: number, alternative: Alternative = 'two-sided'): Float64Array {
  const out = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = pearsonPValue(r[i]!, n, alternative);
  return out;
}

/** Result of {@link benjaminiHochberg}. */
export interface FdrResult {
  /** Adjusted p-values (q-values). */
  readonly corrected: Float64Array;
  /** 1 where the hypothesis is rejected at the FDR level. */
  readonly reject: Uint8Array;
}

/**
 * Benjamini–Hochberg FDR (statsmodels `stats.multitest.fdrcorrection`, method `indep`):
 * q_(i) = min_{j ≥ i} min(1, p_(j)·m/j); reject where q ≤ alpha. NaN p-values count as 1.
 */
export function benjaminiHochberg(p: Float64Array, alpha = 0.05): FdrResult {
  const m = p.length;
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  const val = (i: number): number => (Number.isNaN(p[i]!) ? 1 : p[i]!);
  order.sort((a, b) => val(a) - val(b) || a - b);
  const corrected = new Float64Array(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k]!;
    running = Math.min(running, Math.min(1, (val(i) * m) / (k + 1)));
    corrected[i] = running;
  }
  const reject = new Uint8Array(m);
  for (let i = 0; i < m; i++) reject[i] = corrected[i]! <= alpha ? 1 : 0;
  return { corrected, reject };
}

/** Result of {@link fisherCombine}. */
export interface FisherResult {
  /** X = −2·Σ ln p. */
  readonly statistic: number;
  /** P(χ²_{2k} ≥ X). */
  readonly p: number;
}

/**
 * Fisher's method: X = −2·Σ ln p_i ~ χ² with 2k degrees of freedom (scipy.stats.combine_pvalues
 * method "fisher"). p-values are clamped to [0, 1]; a zero gives p = 0. It assumes independent
 * p-values: positively dependent ones (the outer folds of one voxel) make it anticonservative.
 */
export function fisherCombine(p: ArrayLike<number>): FisherResult {
  const k = p.length;
  if (k === 0) {
    throw voxelwiseError({ code: 'E_DATA_INVALID', where: 'ridge:fisher', message: 'cannot combine an empty list of p-values' });
  }
  let x = 0;
  for (let i = 0; i < k; i++) {
    const pi = Math.max(0, Math.min(1, Number.isNaN(p[i]!) ? 1 : p[i]!));
    x += -2 * Math.log(pi);
  }
  return { statistic: x, p: chiSquareSurvivalEven(x, 2 * k) };
}

/**
 * Bonferroni combination of k p-values of one hypothesis: p = min(1, k·min p_i) (Rüschendorf
 * 1982; Vovk & Wang 2020, "Combining p-values via averaging", Biometrika). Unlike
 * {@link fisherCombine} it is valid whatever the dependence between the p-values, which nested
 * cross-validation needs: every outer fold's training rows hold the other folds' test rows, so
 * the fold correlations of one voxel are positively correlated even under H0. NaN counts as 1.
 */
export function bonferroniCombine(p: ArrayLike<number>): number {
  const k = p.length;
  if (k === 0) {
    throw voxelwiseError({ code: 'E_DATA_INVALID', where: 'ridge:bonferroni', message: 'cannot combine an empty list of p-values' });
  }
  let min = 1;
  for (let i = 0; i < k; i++) {
    const pi = Number.isNaN(p[i]!) ? 1 : Math.max(0, Math.min(1, p[i]!));
    if (pi < min) min = pi;
  }
  return Math.min(1, k * min);
}
