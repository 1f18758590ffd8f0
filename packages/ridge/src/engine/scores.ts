/**
 * How held-out predictions are scored when choosing alpha.
 *
 * - `pearson`: exact Pearson r (Huth `ridge_corr` with use_corr; himalaya `correlation_score`).
 * - `r2`: 1 − Σ(y−ŷ)²/Σ(y−ȳ)² (himalaya `r2_score`).
 * - `signed-sqrt-r2`: sign(R²)·√|R²| with R² = 1 − var(y−ŷ)/var(y) (Huth `bootstrap_ridge` without use_corr).
 * - `litcoder`: LITcoder's `ridge_corr_torch` score, mean of ddof-1 z-scores with eps 1e-8
 *   (≈ (n−1)/n·r); for parity checks only.
 * - `huth`: Huth `ridge_corr` without use_corr, which divides by (1 + var(y))/2; for parity only.
 */
export type ScoreKind = 'pearson' | 'r2' | 'signed-sqrt-r2' | 'litcoder' | 'huth';

/**
 * Sufficient statistics of one voxel's prediction p against response y over n samples, about
 * shifts kp, ky (the first sample) so sums stay well conditioned: s* = Σ(p−kp), Σ(p−kp)², etc.
 */
export interface ScoreSums {
  n: number;
  sp: number;
  spp: number;
  spy: number;
  sy: number;
  syy: number;
  kp: number;
  ky: number;
}

const signedSqrt = (x: number): number => (x >= 0 ? Math.sqrt(x) : -Math.sqrt(-x));
const finiteOr0 = (x: number): number => (Number.isFinite(x) ? x : 0);

/** The score of one voxel from its sums; NaN becomes 0 as in Huth and LITcoder (nan_to_num). */
export function scoreFromSums(kind: ScoreKind, s: ScoreSums): number {
  const { n, sp, spp, spy, sy, syy, kp, ky } = s;
  const cov = spy - (sp * sy) / n;
  const vp = Math.max(0, spp - (sp * sp) / n);
  const vy = Math.max(0, syy - (sy * sy) / n);
  switch (kind) {
    case 'pearson': {
      if (!(vp > 0) || !(vy > 0)) return 0;
      return finiteOr0(Math.max(-1, Math.min(1, cov / Math.sqrt(vp * vy))));
    }
    case 'litcoder': {
      // mean_t(z(y)·z(p)), z = (x − mean)/(std_ddof1 + 1e-8) (LITcoder ridge_utils z_score).
      if (n < 2) return 0;
      const sdp = Math.sqrt(vp / (n - 1));
      const sdy = Math.sqrt(vy / (n - 1));
      return finiteOr0(cov / n / ((sdp + 1e-8) * (sdy + 1e-8)));
    }
    default: {
      // Σ(y − p)² about the shifts: y − p = (y−ky) − (p−kp) + (ky − kp).
      const dk = ky - kp;
      const ssres = syy - 2 * spy + spp + 2 * dk * (sy - sp) + n * dk * dk;
      if (kind === 'r2') return vy > 0 ? finiteOr0(1 - ssres / vy) : 0;
      const su = sy - sp + n * dk;
      const varRes = Math.max(0, ssres - (su * su) / n) / n;
      if (kind === 'signed-sqrt-r2') return vy > 0 ? finiteOr0(signedSqrt(1 - varRes / (vy / n))) : 0;
      // huth: Rsq = 1 − var(y − p)/((1 + var(y))/2) (ridge.py ridge_corr, Prespvar hack).
      return finiteOr0(signedSqrt(1 - varRes / ((1 + vy / n) / 2)));
    }
  }
}
