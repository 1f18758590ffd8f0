import { afterAll, describe, expect, it } from 'vitest';
import { createContext, createRng, matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createOnnxBackend, createPureBackend, fitRidge } from '../src/index.js';
import type { LinalgBackend, RidgeSettings } from '../src/index.js';

function random(rows: number, cols: number, seed: number, dtype: 'float32' | 'float64' = 'float64'): Matrix {
  const rng = createRng(seed);
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return matrix(rows, cols, data);
}

function naive(A: Matrix, B: Matrix): Float64Array {
  const out = new Float64Array(A.rows * B.cols);
  for (let i = 0; i < A.rows; i++)
    for (let j = 0; j < B.cols; j++) {
      let s = 0;
      for (let k = 0; k < A.cols; k++) s += A.data[i * A.cols + k]! * B.data[k * B.cols + j]!;
      out[i * B.cols + j] = s;
    }
  return out;
}

const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-300);
};

const backends: Array<[string, () => Promise<LinalgBackend>]> = [
  ['pure', () => createPureBackend()],
  ['onnx', () => createOnnxBackend({ threads: 1, minWork: 1 })],
];
const made: LinalgBackend[] = [];
afterAll(async () => {
  for (const b of made) await b.dispose();
});

for (const [name, make] of backends) {
  describe(`linear-algebra backend conformance: ${name}`, () => {
    const get = async () => {
      const b = await make();
      made.push(b);
      return b;
    };

    it('multiplies in float64 and float32', async () => {
      const be = await get();
      const A = random(37, 23, 1);
      const B = random(23, 11, 2);
      const C = await be.matmul(A, B);
      expect(C.rows).toBe(37);
      expect(C.cols).toBe(11);
      expect(C.data).toBeInstanceOf(Float64Array);
      expect(maxRelDiff(C.data, naive(A, B))).toBeLessThan(1e-14);
      const C32 = await be.matmul(random(37, 23, 1, 'float32'), random(23, 11, 2, 'float32'));
      expect(C32.data).toBeInstanceOf(Float32Array);
      expect(maxRelDiff(C32.data, naive(A, B))).toBeLessThan(1e-5);
    });

    it('writes into provided storage and handles empty inner dimensions', async () => {
      const be = await get();
      const out = new Float64Array(6);
      const C = await be.matmul(random(2, 4, 3), random(4, 3, 4), { out });
      expect(C.data).toBe(out);
      const Z = await be.matmul(matrix(2, 0, new Float64Array(0)), matrix(0, 3, new Float64Array(0)));
      expect(Array.from(Z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('rejects mismatched inner dimensions with E_SHAPE_MISMATCH', async () => {
      const be = await get();
      await expectVoxelwiseError(() => be.matmul(random(2, 3, 1), random(4, 2, 2)), 'E_SHAPE_MISMATCH', /2 × 3 matrix by a 4 × 2/);
    });

    it('computes XᵀX in float64', async () => {
      const be = await get();
      const X = random(50, 9, 5, 'float32');
      const G = await be.gram(X);
      const XT = matrix(9, 50, new Float64Array(9 * 50));
      for (let i = 0; i < 50; i++) for (let j = 0; j < 9; j++) XT.data[j * 50 + i] = X.data[i * 9 + j]!;
      expect(maxRelDiff(G.data, naive(XT, X))).toBeLessThan(1e-14);
    });

    for (const p of [1, 2, 7, 70, 150]) {
      it(`tridiagonalises a symmetric ${p} × ${p} matrix: QᵀGQ = T, QᵀQ = I`, async () => {
        const be = await get();
        const G = await be.gram(random(2 * p + 3, p, 10 + p));
        const { d, e, Q } = await be.tridiagonalize(G);
        const QT = matrix(p, p, new Float64Array(p * p));
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) QT.data[j * p + i] = Q.data[i * p + j]!;
        const T = naive(QT, matrix(p, p, naive(G, Q)));
        const Tref = new Float64Array(p * p);
        for (let i = 0; i < p; i++) {
          Tref[i * p + i] = d[i]!;
          if (i + 1 < p) Tref[i * p + i + 1] = Tref[(i + 1) * p + i] = e[i]!;
        }
        let scale = 0;
        for (const g of G.data) scale = Math.max(scale, Math.abs(g));
        for (let k = 0; k < p * p; k++) expect(Math.abs(T[k]! - Tref[k]!)).toBeLessThan(1e-12 * scale);
        const I = naive(QT, Q);
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) expect(I[i * p + j]).toBeCloseTo(i === j ? 1 : 0, 12);
      });
    }

    it('eigendecomposes: G·V = V·diag(w), ascending, orthonormal', async () => {
      const be = await get();
      const p = 40;
      const G = await be.gram(random(60, p, 21));
      const { values, vectors } = await be.eigh(G);
      for (let k = 1; k < p; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
      const GV = naive(G, vectors);
      for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) expect(GV[i * p + k]).toBeCloseTo(vectors.data[i * p + k]! * values[k]!, 8);
      for (let a = 0; a < p; a++) {
        let s = 0;
        for (let i = 0; i < p; i++) s += vectors.data[i * p + a]! ** 2;
        expect(s).toBeCloseTo(1, 12);
      }
    });

    it('handles a rank-deficient Gram matrix', async () => {
      const be = await get();
      const X = random(5, 12, 8);
      const G = await be.gram(X);
      const { values } = await be.eigh(G);
      expect(Math.abs(values[0]!)).toBeLessThan(1e-10 * values[11]!);
      const { d } = await be.tridiagonalize(G);
      let trace = 0;
      for (let i = 0; i < 12; i++) trace += G.data[i * 12 + i]!;
      expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(trace, 9);
    });
  });
}

describe('the fast backend equals the pure one on random ridge problems', () => {
  it('to float32 rounding (scores, alphas, weights)', async () => {
    const n = 120;
    const p = 30;
    const v = 25;
    const X = random(n, p, 31, 'float32');
    const W0 = random(p, v, 32);
    const Y = matrix(n, v, new Float32Array(n * v));
    const noise = createRng(33);
    const XW = naive(X, W0);
    for (let k = 0; k < Y.data.length; k++) Y.data[k] = 0.3 * XW[k]! + 4 * noise.normal();
    const settings: RidgeSettings = {
      alphas: [0.01, 0.1, 1, 10, 100, 1000],
      normalpha: true,
      singcutoff: 1e-10,
      alphaMode: 'per-voxel',
      folds: { type: 'kfold', n: 5 },
      score: 'pearson',
      solver: 'tridiagonal',
      seriesTolerance: 1e-10,
      memoryBudget: 1e9,
      precision: 'float32',
      stage: 'model/ridge-cv',
    };
    const pure = await createPureBackend();
    const fast = await createOnnxBackend({ threads: 1, minWork: 1 });
    made.push(fast);
    const a = await fitRidge({ X, Y }, settings, pure, createContext({ seed: 1 }));
    const b = await fitRidge({ X, Y }, settings, fast, createContext({ seed: 1 }));
    expect(maxRelDiff(b.cvScores, a.cvScores)).toBeLessThan(1e-4);
    expect(Array.from(b.alphas)).toEqual(Array.from(a.alphas));
    expect(maxRelDiff(b.weights.all(), a.weights.all())).toBeLessThan(1e-4);
  });
});
