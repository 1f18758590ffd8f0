import type { Dense } from '../linalg/dense.js';
import type { ProductPlan } from './product-plan.js';
import { seriesCoefficients } from './product-plan.js';
import { scoreFromSums } from './scores.js';
import type { ScoreKind, ScoreSums } from './scores.js';

/** Shifted sums of the responses of one fold's validation rows, per voxel of a batch. */
interface ResponseSums {
  readonly ky: Float64Array;
  readonly sy: Float64Array;
  readonly syy: Float64Array;
}

/** Column sums of Y (nTest × b) about its first row. */
function responseSums(Y: Dense, nTest: number, b: number): ResponseSums {
  const ky = new Float64Array(b);
  const sy = new Float64Array(b);
  const syy = new Float64Array(b);
  for (let j = 0; j < b; j++) ky[j] = Y[j]!;
  for (let i = 0; i < nTest; i++) {
    const o = i * b;
    for (let j = 0; j < b; j++) {
      const dy = Y[o + j]! - ky[j]!;
      sy[j] = sy[j]! + dy;
      syy[j] = syy[j]! + dy * dy;
    }
  }
  return { ky, sy, syy };
}

/** Sums of a prediction block P (nTest × b) against Y about the first rows. */
function predictionSums(P: Dense, Y: Dense, ys: ResponseSums, nTest: number, b: number) {
  const kp = new Float64Array(b);
  const sp = new Float64Array(b);
  const spp = new Float64Array(b);
  const spy = new Float64Array(b);
  const ky = ys.ky;
  for (let j = 0; j < b; j++) kp[j] = P[j]!;
  for (let i = 0; i < nTest; i++) {
    const o = i * b;
    for (let j = 0; j < b; j++) {
      const dp = P[o + j]! - kp[j]!;
      sp[j] = sp[j]! + dp;
      spp[j] = spp[j]! + dp * dp;
      spy[j] = spy[j]! + dp * (Y[o + j]! - ky[j]!);
    }
  }
  return { kp, sp, spp, spy };
}

/**
 * Scores every alpha of one fold for a batch of b voxels from the product block `out`
 * (products·nTest × b): exact alphas from their own block, series alphas from the shared terms
 * through their coefficients (the sums are linear in P, and quadratic sums combine the terms'
 * cross sums). Calls `sink(alphaIndex, voxel, score)`.
 */
export function scoreBatch(
  out: Dense,
  Y: Dense,
  nTest: number,
  b: number,
  plan: ProductPlan,
  lambdas: readonly number[],
  sMax2: number,
  kind: ScoreKind,
  sink: (alpha: number, voxel: number, score: number) => void,
): void {
  const ys = responseSums(Y, nTest, b);
  const block = (k: number) => out.subarray(k * nTest * b, (k + 1) * nTest * b);
  const s: ScoreSums = { n: nTest, sp: 0, spp: 0, spy: 0, sy: 0, syy: 0, kp: 0, ky: 0 };
  plan.exact.forEach((a, k) => {
    const ps = predictionSums(block(k), Y, ys, nTest, b);
    for (let j = 0; j < b; j++) {
      s.sp = ps.sp[j]!;
      s.spp = ps.spp[j]!;
      s.spy = ps.spy[j]!;
      s.sy = ys.sy[j]!;
      s.syy = ys.syy[j]!;
      s.kp = ps.kp[j]!;
      s.ky = ys.ky[j]!;
      sink(a, j, scoreFromSums(kind, s));
    }
  });
  const M = plan.terms;
  if (M === 0 || plan.series.length === 0) return;
  const terms = Array.from({ length: M }, (_, m) => predictionSums(block(plan.exact.length + m), Y, ys, nTest, b));
  // Cross sums Σ(P_m − k_m)(P_m' − k_m') for m ≤ m'.
  const cross: Float64Array[] = [];
  for (let m = 0; m < M; m++) {
    for (let q = m; q < M; q++) {
      if (q === m) {
        cross.push(terms[m]!.spp);
        continue;
      }
      const acc = new Float64Array(b);
      const Pm = block(plan.exact.length + m);
      const Pq = block(plan.exact.length + q);
      const km = terms[m]!.kp;
      const kq = terms[q]!.kp;
      for (let i = 0; i < nTest; i++) {
        const o = i * b;
        for (let j = 0; j < b; j++) acc[j] = acc[j]! + (Pm[o + j]! - km[j]!) * (Pq[o + j]! - kq[j]!);
      }
      cross.push(acc);
    }
  }
  const at = (m: number, q: number): Float64Array => {
    const [lo, hi] = m <= q ? [m, q] : [q, m];
    // Index of (lo, hi) in the row-wise upper-triangle order used above.
    return cross[lo * M - (lo * (lo - 1)) / 2 + (hi - lo)]!;
  };
  for (const a of plan.series) {
    const c = seriesCoefficients(lambdas[a]!, sMax2, M);
    for (let j = 0; j < b; j++) {
      let sp = 0;
      let spy = 0;
      let kp = 0;
      let spp = 0;
      for (let m = 0; m < M; m++) {
        const cm = c[m]!;
        sp += cm * terms[m]!.sp[j]!;
        spy += cm * terms[m]!.spy[j]!;
        kp += cm * terms[m]!.kp[j]!;
        for (let q = 0; q < M; q++) spp += cm * c[q]! * at(m, q)[j]!;
      }
      s.sp = sp;
      s.spp = spp;
      s.spy = spy;
      s.sy = ys.sy[j]!;
      s.syy = ys.syy[j]!;
      s.kp = kp;
      s.ky = ys.ky[j]!;
      sink(a, j, scoreFromSums(kind, s));
    }
  }
}
