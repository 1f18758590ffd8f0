import { afterAll, describe, expect, it } from 'vitest';
import { createRng, matrix } from '@voxelwise/core';
import { createOnnxBackend } from '../src/index.js';
import type { LinalgBackend } from '../src/index.js';
import { transposed } from '../src/linalg/dense.js';

describe('onnx backend Gram matrix in lower-triangle strips', () => {
  const open: LinalgBackend[] = [];
  afterAll(async () => {
    for (const b of open) await b.dispose();
  });

  // p 700: two strips, one row block; p 1,200: three strips, rows in two blocks of 3,495 and 505.
  it.each([
    [300, 700],
    [4000, 1200],
  ])('n %i, p %i: the same bits as full products summed block by block', async (n, p) => {
    const backend = await createOnnxBackend({ threads: 2 });
    open.push(backend);
    const rng = createRng(p);
    const X = Float32Array.from({ length: n * p }, () => rng.normal());
    const G = (await backend.gram(matrix(n, p, X))).data;
    const block = Math.floor((32 * 1024 * 1024) / (p * 8));
    const want = new Float64Array(p * p);
    for (let r0 = 0; r0 < n; r0 += block) {
      const r1 = Math.min(n, r0 + block);
      const Xb = Float64Array.from(X.subarray(r0 * p, r1 * p));
      const part = (await backend.matmul(matrix(p, r1 - r0, transposed(Xb, r1 - r0, p)), matrix(r1 - r0, p, Xb), { dtype: 'float64' }))
        .data;
      for (let k = 0; k < want.length; k++) want[k] = want[k]! + part[k]!;
    }
    let differing = 0;
    for (let k = 0; k < want.length; k++) if (!Object.is(G[k], want[k])) differing++;
    expect(differing).toBe(0);
  });
});
