import { describe, expect, it } from 'vitest';
import { createRng } from '@voxelwise/core';
import { scoreBatch } from '../src/engine/batch-scores.js';
import { scoreKernel, scoreSumsLength } from '../src/engine/score-kernel.js';
import type { ScoreKernel } from '../src/engine/score-kernel.js';
import { seriesCoefficients } from '../src/engine/product-plan.js';
import type { ProductPlan } from '../src/engine/product-plan.js';
import { scoreFromSums } from '../src/engine/scores.js';
import type { ScoreKind, ScoreSums } from '../src/engine/scores.js';
import type { Dense } from '../src/linalg/dense.js';

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
 * The scoring as it was before the passes were fused (one pass over the rows per block): the
 * reference the fused scoring must match bit for bit.
 *
 * Scores every alpha of one fold for a batch of b voxels from the product block `out`
 * (products·nTest × b): exact alphas from their own block, series alphas from the shared terms
 * through their coefficients (the sums are linear in P, and quadratic sums combine the terms'
 * cross sums). Calls `sink(alphaIndex, voxel, score)`.
 */
function passPerBlockScores(
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

/** Every score of a batch, alpha by alpha, and the order of the sink's calls per alpha. */
function collect(
  out: Dense,
  Y: Dense,
  nTest: number,
  b: number,
  plan: ProductPlan,
  lambdas: number[],
  sMax2: number,
  kind: ScoreKind,
  kernel?: ScoreKernel | 'reference',
): { scores: Float64Array; order: Map<number, number[]> } {
  const scores = new Float64Array(lambdas.length * b).fill(NaN);
  const order = new Map<number, number[]>();
  const sink = (a: number, j: number, s: number) => {
    scores[a * b + j] = s;
    if (!order.has(a)) order.set(a, []);
    order.get(a)!.push(j);
  };
  if (kernel === 'reference') passPerBlockScores(out, Y, nTest, b, plan, lambdas, sMax2, kind, sink);
  else scoreBatch(out, Y, nTest, b, plan, lambdas, sMax2, kind, sink, kernel);
  return { scores, order };
}

describe('batch scoring', () => {
  const rng = createRng(5);
  const nTest = 37;
  const sMax2 = 4;
  const lambdas = [0.01, 1, 10, 1e3, 1e4, 1e5, 1e6].map((a) => a * sMax2);
  const plans: ProductPlan[] = [
    { exact: [0, 1, 2], series: [3, 4, 5, 6], terms: 2, products: 5 },
    { exact: [0, 1], series: [2, 3, 4, 5, 6], terms: 4, products: 6 },
    { exact: [0, 1, 2, 3, 4, 5, 6], series: [], terms: 0, products: 7 },
    { exact: [0, 2], series: [1, 3, 4, 5, 6], terms: 1, products: 3 },
  ];
  const maxB = 300;
  const kernel = scoreKernel(7 * nTest * maxB, nTest * maxB, scoreSumsLength(maxB, lambdas.length));

  it('has the WebAssembly loops here (Node has SIMD)', () => {
    expect(kernel).toBeDefined();
  });

  it.each([
    ['pearson', 300, 0, 'float32'],
    ['litcoder', 129, 1, 'float32'],
    ['r2', 128, 2, 'float32'],
    ['signed-sqrt-r2', 5, 3, 'float32'],
    ['huth', 261, 0, 'float32'],
    ['pearson', 64, 1, 'float64'],
  ] as const)(
    '%s, %i voxels (plan %i, %s): the same bits, in the same order per alpha, with and without WebAssembly',
    (kind, b, which, dtype) => {
      const plan = plans[which]!;
      const size = plan.products * nTest * b;
      const out = dtype === 'float32' ? kernel!.out.subarray(0, size) : new Float64Array(size);
      for (let i = 0; i < size; i++) out[i] = rng.normal() + 3;
      const Y = dtype === 'float32' ? new Float32Array(nTest * b) : new Float64Array(nTest * b);
      for (let i = 0; i < Y.length; i++) Y[i] = rng.normal() - 1;
      // Stale sums from an earlier call must not leak into this one.
      kernel!.sums.fill(7);
      const ref = collect(out, Y, nTest, b, plan, lambdas, sMax2, kind, 'reference');
      expect(ref.scores.some((x) => x !== 0)).toBe(true);
      expect(ref.scores.filter((x) => Number.isNaN(x)).length).toBe(0);
      for (const k of [kernel, undefined]) {
        const got = collect(out, Y, nTest, b, plan, lambdas, sMax2, kind, k);
        expect(got.scores.every((x, i) => Object.is(x, ref.scores[i]))).toBe(true);
        for (const [a, js] of ref.order) expect(got.order.get(a)).toEqual(js);
      }
    },
  );

  it('falls back to the TypeScript loops when the products are not in its memory', () => {
    const plan = plans[0]!;
    const b = 10;
    const out = Float32Array.from({ length: plan.products * nTest * b }, () => rng.normal());
    const Y = Float32Array.from({ length: nTest * b }, () => rng.normal());
    kernel!.sums.fill(NaN);
    const got = collect(out, Y, nTest, b, plan, lambdas, sMax2, 'pearson', kernel);
    const ref = collect(out, Y, nTest, b, plan, lambdas, sMax2, 'pearson', 'reference');
    expect(got.scores.every((x, i) => Object.is(x, ref.scores[i]))).toBe(true);
    expect(kernel!.sums.every((x) => Number.isNaN(x))).toBe(true);
  });
});

describe('element-wise float32 loops of the kernel', () => {
  it.each([0, 1, 3, 4, 5, 1023])('add and sub of %i elements: the same bits as TypeScript, nothing past the end touched', (n) => {
    const rng = createRng(n + 1);
    const k = scoreKernel(0, 0, 0, 3, n + 8)!;
    const [acc, x, out] = k.blocks as [Float32Array, Float32Array, Float32Array];
    const specials = [0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38, Infinity, -Infinity];
    for (let i = 0; i < n + 8; i++) {
      acc[i] = i % 7 === 3 ? specials[i % specials.length]! : rng.normal() * 10 ** ((i % 9) - 4);
      x[i] = i % 5 === 2 ? specials[(i + 3) % specials.length]! : rng.normal() * 10 ** ((i % 7) - 3);
    }
    const wantSum = Float32Array.from(acc);
    for (let i = 0; i < n; i++) wantSum[i] = wantSum[i]! + x[i]!;
    const wantDiff = Float32Array.from(out);
    for (let i = 0; i < n; i++) wantDiff[i] = acc[i]! - x[i]!;
    k.sub(out.byteOffset, acc.byteOffset, x.byteOffset, n);
    k.add(acc.byteOffset, x.byteOffset, n);
    const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])));
    expect(same(acc, wantSum)).toBe(true);
    expect(same(out, wantDiff)).toBe(true);
  });
});
