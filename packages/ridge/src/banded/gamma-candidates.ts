import { voxelwiseError } from '@voxelwise/core';
import type { Rng } from '@voxelwise/core';

/**
 * log of a Gamma(shape, 1) draw: Marsaglia & Tsang (2000) for shape ≥ 1, and for shape < 1 the
 * boost Gamma(a) = Gamma(a + 1)·U^(1/a), kept in logs so tiny concentrations do not underflow.
 */
function logGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.next(); // (0, 1]
    return logGamma(rng, shape + 1) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}

/** One Dirichlet(concentration·1) draw over `k` bands. */
function dirichlet(rng: Rng, k: number, concentration: number): Float64Array {
  const logs = Array.from({ length: k }, () => logGamma(rng, concentration));
  const max = Math.max(...logs);
  const g = Float64Array.from(logs, (l) => Math.exp(l - max));
  const sum = g.reduce((s, x) => s + x, 0);
  return g.map((x) => x / sum);
}

/**
 * Random band-weight candidates as himalaya draws them
 * (`himalaya/kernel_ridge/_random_search.py::generate_dirichlet_samples`, used by
 * `himalaya/ridge/_random_search.py::solve_group_ridge_random_search`): ⌈n / #concentrations⌉
 * Dirichlet draws per concentration, interleaved so candidates cycle through the
 * concentrations, cut to `n`, and the first candidate replaced by the uniform weights 1/k.
 * Draws come from our seeded generator, not numpy's, so the candidates differ from himalaya's
 * for the same seed; pass them explicitly (`gammas`) to reproduce a himalaya search.
 *
 * @returns n × k, row-major
 */
export function dirichletCandidates(n: number, k: number, concentration: number | readonly number[], rng: Rng): Float64Array {
  const conc = typeof concentration === 'number' ? [concentration] : [...concentration];
  const per = Math.ceil(n / conc.length);
  const draws = conc.map((c) => Array.from({ length: per }, () => dirichlet(rng, k, c)));
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) out.set(draws[i % conc.length]![Math.floor(i / conc.length)]!, i * k);
  out.fill(1 / k, 0, k);
  return out;
}

/** Explicit candidates checked against the number of bands (their sums were checked with the options). */
export function explicitCandidates(gammas: readonly (readonly number[])[], k: number, where: string): Float64Array {
  const out = new Float64Array(gammas.length * k);
  gammas.forEach((row, i) => {
    if (row.length !== k) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where,
        message: `option "gammas": row ${i} has ${row.length} entries but the fit has ${k} band${k === 1 ? '' : 's'}`,
        got: row.length,
        expected: k,
        hint: 'Give one weight per band (feature space), in band order.',
      });
    }
    out.set(row, i * k);
  });
  return out;
}
