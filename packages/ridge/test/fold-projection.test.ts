import { afterAll, describe, expect, it } from 'vitest';
import { createRng, matrix } from '@voxelwise/core';
import type { DType, Matrix } from '@voxelwise/core';
import { createOnnxBackend, createPureBackend } from '../src/index.js';
import type { LinalgBackend } from '../src/index.js';
import { basisOf, projectionStack } from '../src/engine/fold-projection.js';
import type { Basis } from '../src/engine/fold-projection.js';
import { planProducts } from '../src/engine/product-plan.js';
import type { ProductPlan } from '../src/engine/product-plan.js';
import { factorGram } from '../src/engine/spectral-factor.js';
import type { SpectralFactor } from '../src/engine/spectral-factor.js';
import { takeRows, transposed } from '../src/linalg/dense.js';
import type { Dense } from '../src/linalg/dense.js';
import { multiplyTridiagonal, multiplyTridiagonalRows, solveShifted, solveShiftedRows } from '../src/linalg/tridiagonal-ops.js';

/**
 * The stack as it was built before it was formed row by row: Hᵀ = Q·S with S = (K + λI)⁻¹·Qᵀ·X_valᵀ
 * solved column-wise, then transposed. The row-wise stack must give the same bits.
 */
async function columnWiseStack(
  Xd: Dense,
  p: number,
  test: Int32Array,
  factor: SpectralFactor,
  basis: Basis,
  lambdas: readonly number[],
  plan: ProductPlan,
  backend: LinalgBackend,
  dtype: DType,
): Promise<Matrix> {
  const nTest = test.length;
  const XvT = transposed(takeRows(Xd, p, test), nTest, p);
  const ATd = (await backend.matmul(basis.QT, matrix(p, nTest, XvT), { dtype })).data;
  const AT = Float64Array.from(ATd);
  const width = plan.products * nTest;
  const S = dtype === 'float32' ? new Float32Array(p * width) : new Float64Array(p * width);
  const put = (block: Float64Array, k: number): void => {
    for (let i = 0; i < p; i++) for (let j = 0; j < nTest; j++) S[i * width + k * nTest + j] = block[i * nTest + j]!;
  };
  plan.exact.forEach((a, k) => {
    const block = Float64Array.from(AT);
    solveShifted(factor.d, factor.e, lambdas[a]!, block, p, nTest, factor.keep);
    put(block, k);
  });
  let cur = new Float64Array(p * nTest);
  multiplyTridiagonal(new Float64Array(p).fill(1), null, AT, p, nTest, cur, 1, factor.keep);
  for (let m = 0; m < plan.terms; m++) {
    put(cur, plan.exact.length + m);
    const next = new Float64Array(p * nTest);
    multiplyTridiagonal(factor.d, factor.e, cur, p, nTest, next, 1 / factor.sMax2, factor.keep);
    cur = next;
  }
  const HT = (await backend.matmul(basis.Q, matrix(p, width, S), { dtype })).data;
  return matrix(width, p, transposed(HT, p, width));
}

/** Indices where two arrays differ as bits (NaN never occurs here). */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) count++;
  return count;
}

function randomBlock(rng: ReturnType<typeof createRng>, rows: number, cols: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

describe('tridiagonal operations row by row', () => {
  const rng = createRng(3);
  const p = 9;
  const c = 5;
  const d = Float64Array.from({ length: p }, () => 2 + rng.next());
  const e = Float64Array.from({ length: p - 1 }, (_, i) => (i === 3 ? 0 : rng.normal()));
  const keep = Uint8Array.from({ length: p }, (_, i) => (i % 4 === 1 ? 0 : 1));

  it.each([
    ['tridiagonal', e, undefined],
    ['diagonal with dropped components', null, keep],
  ] as const)('solveShiftedRows equals solveShifted on the transposed block (%s)', (_, off, kept) => {
    const M = randomBlock(rng, c, p);
    const cols = transposed(M, c, p);
    solveShifted(d, off, 0.7, cols, p, c, kept);
    const out = new Float64Array((c + 2) * p);
    solveShiftedRows(d, off, 0.7, M, c, p, out, 2, kept);
    expect(differing(out.subarray(2 * p), transposed(cols, p, c))).toBe(0);
    expect(out.subarray(0, 2 * p).every((x) => x === 0)).toBe(true);
  });

  it.each([
    ['tridiagonal', e, undefined],
    ['tridiagonal with dropped components', e, keep],
    ['diagonal', null, keep],
  ] as const)('multiplyTridiagonalRows equals multiplyTridiagonal on the transposed block (%s)', (_, off, kept) => {
    const M = randomBlock(rng, c, p);
    const ref = new Float64Array(p * c);
    multiplyTridiagonal(d, off, transposed(M, c, p), p, c, ref, 0.3, kept);
    const out = new Float64Array(c * p);
    multiplyTridiagonalRows(d, off, M, c, p, out, 0, 0.3, kept);
    expect(differing(out, transposed(ref, p, c))).toBe(0);
  });

  it('handles orders 1 and 0', () => {
    const one = new Float64Array(2);
    solveShiftedRows(Float64Array.of(3), new Float64Array(0), 1, Float64Array.of(8, 4), 2, 1, one, 0);
    expect(Array.from(one)).toEqual([2, 1]);
    multiplyTridiagonalRows(Float64Array.of(3), new Float64Array(0), Float64Array.of(8, 4), 2, 1, one, 0, 0.5);
    expect(Array.from(one)).toEqual([12, 6]);
    expect(() => solveShiftedRows(new Float64Array(0), new Float64Array(0), 1, new Float64Array(0), 2, 0, one, 0)).not.toThrow();
  });
});

describe('projection stack', () => {
  const backends: Array<[string, () => Promise<LinalgBackend>]> = [
    ['pure', () => createPureBackend()],
    ['onnx', () => createOnnxBackend({ threads: 2, minWork: 1 })],
  ];
  const open: LinalgBackend[] = [];
  afterAll(async () => {
    for (const b of open) await b.dispose();
  });

  const rng = createRng(11);
  const n = 90;
  const p = 24;
  const X32 = Float32Array.from({ length: n * p }, () => rng.normal());
  const X64 = Float64Array.from(X32);
  const G = new Float64Array(p * p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) G[a * p + b]! += X64[i * p + a]! * X64[i * p + b]!;
  // Held-out rows that are not a contiguous run, so takeRows copies them.
  const test = Int32Array.from({ length: 20 }, (_, i) => 3 * i + 1);
  const alphas = [0.1, 1, 10, 100, 1e3, 1e4];

  it.each(
    backends.flatMap(([name, make]) =>
      (['tridiagonal', 'eigen'] as const).flatMap((kind) => (['float32', 'float64'] as const).map((dt) => [name, kind, dt, make] as const)),
    ),
  )('%s backend, %s factor, %s: same bits as the column-wise stack', async (_, kind, dtype, make) => {
    const backend = await make();
    open.push(backend);
    const factor = await factorGram(matrix(p, p, G), backend, kind, kind === 'eigen' ? 6 : 1e-10);
    if (kind === 'eigen') expect(factor.keep!.some((k) => k === 0)).toBe(true);
    const lambdas = alphas.map((a) => a * a * factor.sMax2);
    const plan = planProducts(lambdas, factor.sMax2, 1e-6);
    expect(plan.exact.length).toBeGreaterThan(0);
    expect(plan.terms).toBeGreaterThan(1);
    const Xd = dtype === 'float32' ? X32 : X64;
    const basis = basisOf(factor, dtype);
    const H = await projectionStack(Xd, p, test, factor, basis, lambdas, plan, backend, dtype);
    const ref = await columnWiseStack(Xd, p, test, factor, basis, lambdas, plan, backend, dtype);
    expect([H.rows, H.cols]).toEqual([ref.rows, ref.cols]);
    expect(H.data.constructor).toBe(ref.data.constructor);
    expect(differing(H.data, ref.data)).toBe(0);
  });
});
