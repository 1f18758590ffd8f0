/**
 * Which voxel-sized products a fold needs to score every alpha.
 *
 * An alpha whose penalty λ dwarfs the spectrum (μ = s_max²/λ < 1) needs no product of its own:
 * (K + λI)⁻¹ = (1/λ)·Σ_m (−μ)^m·K̃^m with K̃ = K/s_max² (Neumann series), so its predictions are
 * a combination of the shared terms P_m = X_val·Q·K̃^m·Qᵀ·XᵀY. Truncating after M terms leaves
 * a relative error below (1+μ)·μ^M/(1−μ); M is chosen so that this stays under `tolerance`
 * (by default 2e-8 with float32 products, whose own rounding is ~1e-6, and 1e-13 with float64),
 * so the result is the same and the work smaller. With LITcoder's grid logspace(−1, 8, 10) and
 * normalpha, 10 products become 5 (float32) or 7 (float64).
 */
export interface ProductPlan {
  /** Alpha indices scored from their own exact product, in product order. */
  readonly exact: readonly number[];
  /** Alpha indices scored from the shared series terms. */
  readonly series: readonly number[];
  /** Number of series terms (0 when no alpha uses the series). */
  readonly terms: number;
  /** Products per batch: exact.length + terms. */
  readonly products: number;
}

/** Smallest M with (1+μ)·μ^M/(1−μ) ≤ tol. */
function termsFor(mu: number, tol: number): number {
  if (mu <= 0) return 1;
  let M = 1;
  while ((1 + mu) * mu ** M > tol * (1 - mu) && M < 64) M++;
  return M;
}

/** Plans the products for penalties `lambdas` given the fold's largest eigenvalue `sMax2`. */
export function planProducts(lambdas: readonly number[], sMax2: number, tolerance: number): ProductPlan {
  const all = lambdas.map((_, i) => i);
  const exactOnly: ProductPlan = { exact: all, series: [], terms: 0, products: all.length };
  if (!(tolerance > 0) || lambdas.length < 2) return exactOnly;
  const mu = lambdas.map((l) => Math.max(0, sMax2) / l);
  // Candidates in order of increasing μ; a series set is always a prefix of this order.
  const order = all.filter((i) => mu[i]! < 0.5).sort((a, b) => mu[a]! - mu[b]!);
  let best = exactOnly;
  for (let k = 1; k <= order.length; k++) {
    const series = order.slice(0, k);
    const terms = termsFor(mu[series[k - 1]!]!, tolerance);
    const products = lambdas.length - k + terms;
    if (products < best.products) {
      const inSeries = new Set(series);
      best = { exact: all.filter((i) => !inSeries.has(i)), series: [...series].sort((a, b) => a - b), terms, products };
    }
  }
  return best;
}

/** Coefficients c_m = (1/λ)·(−μ)^m, m < terms, of an alpha scored from the series. */
export function seriesCoefficients(lambda: number, sMax2: number, terms: number): Float64Array {
  const mu = Math.max(0, sMax2) / lambda;
  const c = new Float64Array(terms);
  let v = 1 / lambda;
  for (let m = 0; m < terms; m++) {
    c[m] = v;
    v *= -mu;
  }
  return c;
}
