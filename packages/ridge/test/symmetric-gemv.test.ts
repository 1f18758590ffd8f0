import { describe, expect, it } from 'vitest';
import { createRng, matrix } from '@voxelwise/core';
import type { DenseKernels } from '../src/linalg/backend.js';
import { gemm } from '../src/linalg/dense.js';
import { createPureBackend } from '../src/linalg/pure-backend.js';
import { createSymvPool, quadModule } from '../src/linalg/symmetric-gemv-pool.js';
import { symvLower, symvRows } from '../src/linalg/symmetric-gemv.js';
import { tridiagonalizeBlocked } from '../src/linalg/tridiagonalize.js';

describe('symvLower', () => {
  // Orders around the 4-row blocking (remainders 0–3) and offsets r0 inside a larger matrix.
  for (const [lda, r0] of [
    [1, 0],
    [5, 0],
    [9, 2],
    [13, 6],
    [40, 3],
  ] as const) {
    it(`equals a general product with the symmetric block A[${r0}.., ${r0}..] of a ${lda} × ${lda} matrix`, () => {
      const rng = createRng(lda * 31 + r0);
      const A = new Float64Array(lda * lda);
      for (let i = 0; i < lda; i++) for (let j = 0; j <= i; j++) A[i * lda + j] = A[j * lda + i] = rng.normal();
      // Poison the upper triangle: only the lower one may be read.
      const lower = Float64Array.from(A);
      for (let i = 0; i < lda; i++) for (let j = i + 1; j < lda; j++) lower[i * lda + j] = Number.NaN;
      const x = Float64Array.from({ length: lda }, () => rng.normal());
      const y = new Float64Array(lda).fill(7);
      symvLower(lower, lda, r0, lda, x, y);
      for (let i = 0; i < r0; i++) expect(y[i]).toBe(7);
      for (let i = r0; i < lda; i++) {
        let s = 0;
        for (let j = r0; j < lda; j++) s += A[i * lda + j]! * x[j]!;
        expect(Math.abs(y[i]! - s)).toBeLessThan(1e-13 * (1 + Math.abs(s)));
      }
    });
  }
});

describe('the WebAssembly loop', () => {
  it('gives the same bits as the TypeScript one', () => {
    const lda = 37;
    const wasm = quadModule(8 * (lda * lda + 3 * lda + 4));
    expect(wasm).toBeDefined();
    const f64 = (offset: number, length: number) => new Float64Array(wasm!.memory.buffer, 8 * offset, length);
    const A = f64(0, lda * lda);
    const x = f64(lda * lda, lda);
    const yWasm = f64(lda * lda + lda, lda);
    const sums = f64(lda * lda + 3 * lda, 4);
    const rng = createRng(3);
    for (let i = 0; i < A.length; i++) A[i] = rng.normal();
    for (let i = 0; i < lda; i++) x[i] = rng.normal();
    // Odd and even column counts, rows past the 4-row blocks.
    for (const [r0, i0, i1] of [
      [0, 0, lda],
      [1, 5, 30],
      [4, 4, 35],
      [3, 20, 37],
    ] as const) {
      yWasm.fill(0.5);
      const yJs = new Float64Array(lda).fill(0.5);
      symvRows(A, lda, r0, i0, i1, x, yWasm, { quad: wasm!.quad, sums });
      symvRows(A, lda, r0, i0, i1, x, yJs, null);
      expect(Array.from(yWasm)).toEqual(Array.from(yJs));
    }
  });
});

describe('createSymvPool', () => {
  it('gives the single-thread answer, call after call, with the same bits for 0, 1 or 3 workers', async () => {
    const pools = await Promise.all([0, 1, 3].map((w) => createSymvPool(300, w)));
    try {
      const rng = createRng(5);
      for (const m of [300, 211]) {
        const A = new Float64Array(m * m);
        for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) A[i * m + j] = A[j * m + i] = rng.normal();
        for (const pool of pools) pool.load(A, m);
        // Block offsets from 0 to past the last chunk boundary.
        for (const r0 of [0, 1, 2, 3, 17, 64, 150, m - 20, m - 3, m - 1, m]) {
          const x = Float64Array.from({ length: m }, () => rng.normal());
          const want = new Float64Array(m).fill(-1);
          symvLower(A, m, r0, m, x, want);
          const got = pools.map((pool) => {
            const y = new Float64Array(m).fill(-1);
            pool.symv(r0, m, x, y);
            return y;
          });
          for (let i = 0; i < m; i++) expect(Math.abs(got[0]![i]! - want[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(want[i]!)));
          expect(got[1]).toEqual(got[0]);
          expect(got[2]).toEqual(got[0]);
        }
      }
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });
});

describe('createSymvPool blocks', () => {
  it('reads a matrix placed in one of its blocks in place, with the bits of a copied one', async () => {
    const pool = await createSymvPool(120, 1);
    try {
      const rng = createRng(9);
      const m = 97;
      const A = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) A[i * m + j] = A[j * m + i] = rng.normal();
      const x = Float64Array.from({ length: m }, () => rng.normal());
      pool.load(A, m);
      const copied = new Float64Array(m);
      pool.symv(3, m, x, copied);
      pool.blocks[0].fill(Number.NaN);
      pool.blocks[1].set(A);
      pool.load(pool.blocks[1], m);
      const inPlace = new Float64Array(m);
      pool.symv(3, m, x, inPlace);
      expect(Array.from(inPlace)).toEqual(Array.from(copied));
      // Loading in place copied nothing into the other block.
      expect(pool.blocks[0].every((v) => Number.isNaN(v))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe('the Householder reduction with the worker pool (order ≥ 512)', () => {
  it('reduces a 530 × 530 Gram matrix: QᵀGQ = T, QᵀQ = I', async () => {
    const p = 530;
    const rng = createRng(11);
    const X = Float64Array.from({ length: 600 * p }, () => rng.normal());
    const G = new Float64Array(p * p);
    for (let r = 0; r < 600; r++) {
      const o = r * p;
      for (let i = 0; i < p; i++) {
        const xi = X[o + i]!;
        for (let j = 0; j < p; j++) G[i * p + j] = G[i * p + j]! + xi * X[o + j]!;
      }
    }
    const { d, e, Q } = await (await createPureBackend()).tridiagonalize(matrix(p, p, G));
    // The trailing blocks live in the pool's shared memory, which onnxruntime refuses: products
    // that refuse it too must give the same bits (blocks under order 288 are one product each).
    const shared = (...arrays: Float64Array[]) => arrays.some((a) => a.buffer instanceof SharedArrayBuffer);
    const refusing: DenseKernels = {
      gemm: async (A, B, m, k, n, out) => {
        if (shared(A, B, out)) throw new Error('shared memory');
        gemm(A, B, m, k, n, out);
      },
      gemmSubtract: async (A, B, C, m, k, n, out) => {
        if (shared(A, B, C, out)) throw new Error('shared memory');
        gemm(A, B, m, k, n, out);
        for (let i = 0; i < m * n; i++) out[i] = C[i]! - out[i]!;
      },
    };
    const again = await tridiagonalizeBlocked(matrix(p, p, G), refusing, 32);
    expect(Array.from(again.d)).toEqual(Array.from(d));
    expect(Array.from(again.e)).toEqual(Array.from(e));
    expect(Array.from(again.Q.data)).toEqual(Array.from(Q.data));
    const QT = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) QT[j * p + i] = Q.data[i * p + j]!;
    const GQ = new Float64Array(p * p);
    gemm(G, Q.data, p, p, p, GQ);
    const T = new Float64Array(p * p);
    gemm(QT, GQ, p, p, p, T);
    const I = new Float64Array(p * p);
    gemm(QT, Q.data, p, p, p, I);
    let scale = 0;
    for (const g of G) scale = Math.max(scale, Math.abs(g));
    let worstT = 0;
    let worstI = 0;
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        const t = i === j ? d[i]! : j === i + 1 ? e[i]! : i === j + 1 ? e[j]! : 0;
        worstT = Math.max(worstT, Math.abs(T[i * p + j]! - t));
        worstI = Math.max(worstI, Math.abs(I[i * p + j]! - (i === j ? 1 : 0)));
      }
    expect(worstT).toBeLessThan(1e-12 * scale);
    expect(worstI).toBeLessThan(1e-12);
  });
});
