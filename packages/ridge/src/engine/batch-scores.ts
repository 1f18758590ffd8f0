import type { Dense } from '../linalg/dense.js';
import type { ProductPlan } from './product-plan.js';
import { seriesCoefficients } from './product-plan.js';
import type { ScoreKernel } from './score-kernel.js';
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

/** Shifted sums of one prediction block against the responses, per voxel of a batch. */
interface PredictionSums {
  readonly kp: Float64Array;
  readonly sp: Float64Array;
  readonly spp: Float64Array;
  readonly spy: Float64Array;
}

/** Sums of a prediction block P (nTest × b) against Y about the first rows. */
function predictionSums(P: Dense, Y: Dense, ys: ResponseSums, nTest: number, b: number): PredictionSums {
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

/** Where a batch's sums come from: the TypeScript loops, or the WebAssembly ones. */
interface BatchSums {
  responses(): ResponseSums;
  /** Sums of product block k. */
  prediction(k: number, ys: ResponseSums): PredictionSums;
  /** Σ(P_m − km)(P_q − kq) of product blocks m and q. */
  cross(m: number, q: number, km: Float64Array, kq: Float64Array): Float64Array;
}

function typescriptSums(out: Dense, Y: Dense, nTest: number, b: number): BatchSums {
  const block = (k: number) => out.subarray(k * nTest * b, (k + 1) * nTest * b);
  return {
    responses: () => responseSums(Y, nTest, b),
    prediction: (k, ys) => predictionSums(block(k), Y, ys, nTest, b),
    cross: (m, q, km, kq) => {
      const acc = new Float64Array(b);
      const Pm = block(m);
      const Pq = block(q);
      for (let i = 0; i < nTest; i++) {
        const o = i * b;
        for (let j = 0; j < b; j++) acc[j] = acc[j]! + (Pm[o + j]! - km[j]!) * (Pq[o + j]! - kq[j]!);
      }
      return acc;
    },
  };
}

/**
 * The sums in the kernel's WebAssembly loops, when `out` lies in its memory and the responses
 * and the sums of `blocks` products and `pairs` cross sums fit; otherwise undefined.
 */
function kernelSums(
  kernel: ScoreKernel,
  out: Dense,
  Y: Dense,
  nTest: number,
  b: number,
  blocks: number,
  pairs: number,
): BatchSums | undefined {
  if (!(out instanceof Float32Array) || out.buffer !== kernel.buffer || !(Y instanceof Float32Array)) return undefined;
  if (nTest * b > kernel.y.length || b * (3 + 4 * blocks + pairs) > kernel.sums.length) return undefined;
  const y = kernel.y.subarray(0, nTest * b);
  y.set(Y.subarray(0, nTest * b));
  let used = 0;
  const take = (): Float64Array => {
    const a = kernel.sums.subarray(used, used + b);
    used += b;
    return a.fill(0);
  };
  const at = (k: number) => out.byteOffset + 4 * k * nTest * b;
  return {
    responses: () => {
      const ys = { ky: take(), sy: take(), syy: take() };
      for (let j = 0; j < b; j++) ys.ky[j] = y[j]!;
      kernel.ysums(y.byteOffset, ys.ky.byteOffset, ys.sy.byteOffset, ys.syy.byteOffset, nTest, b);
      return ys;
    },
    prediction: (k, ys) => {
      const ps = { kp: take(), sp: take(), spp: take(), spy: take() };
      const first = k * nTest * b;
      for (let j = 0; j < b; j++) ps.kp[j] = out[first + j]!;
      kernel.psums(
        at(k),
        y.byteOffset,
        ys.ky.byteOffset,
        ps.kp.byteOffset,
        ps.sp.byteOffset,
        ps.spp.byteOffset,
        ps.spy.byteOffset,
        nTest,
        b,
      );
      return ps;
    },
    cross: (m, q, km, kq) => {
      const acc = take();
      kernel.cross(at(m), at(q), km.byteOffset, kq.byteOffset, acc.byteOffset, nTest, b);
      return acc;
    },
  };
}

/**
 * Scores every alpha of one fold for a batch of b voxels from the product block `out`
 * (products·nTest × b): exact alphas from their own block, series alphas from the shared terms
 * through their coefficients (the sums are linear in P, and quadratic sums combine the terms'
 * cross sums). Calls `sink(alphaIndex, voxel, score)`. With `kernel`, and `out` in its memory
 * (float32), the sums run in its WebAssembly loops, with the same bits.
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
  kernel?: ScoreKernel,
): void {
  const nE = plan.exact.length;
  const M = plan.terms;
  const sums =
    (kernel && kernelSums(kernel, out, Y, nTest, b, nE + (plan.series.length > 0 ? M : 0), (M * (M - 1)) / 2)) ||
    typescriptSums(out, Y, nTest, b);
  const ys = sums.responses();
  const s: ScoreSums = { n: nTest, sp: 0, spp: 0, spy: 0, sy: 0, syy: 0, kp: 0, ky: 0 };
  plan.exact.forEach((a, k) => {
    const ps = sums.prediction(k, ys);
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
  if (M === 0 || plan.series.length === 0) return;
  const terms = Array.from({ length: M }, (_, m) => sums.prediction(nE + m, ys));
  // Cross sums Σ(P_m − k_m)(P_m' − k_m') for m ≤ m'.
  const cross: Float64Array[] = [];
  for (let m = 0; m < M; m++) {
    for (let q = m; q < M; q++) cross.push(q === m ? terms[m]!.spp : sums.cross(nE + m, nE + q, terms[m]!.kp, terms[q]!.kp));
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
