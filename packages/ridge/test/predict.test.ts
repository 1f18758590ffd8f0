import { describe, expect, it } from 'vitest';
import { createRng, matrix } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createPureBackend } from '../src/index.js';
import { predictLinear, predictLowRank } from '../src/predict.js';

function randomMatrix(rows: number, cols: number, seed: number) {
  const rng = createRng(seed);
  return matrix(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, () => rng.normal()),
  );
}

describe('@voxelwise/ridge/predict (the prediction a web page runs)', () => {
  it('predictLinear equals the pure backend product FittedRidge.predict uses (float32)', async () => {
    const X = randomMatrix(7, 5, 1);
    const W = randomMatrix(5, 9, 2);
    const expected = await (await createPureBackend()).matmul(X, W, { dtype: 'float32' });
    const P = predictLinear(X, W);
    expect([P.rows, P.cols]).toEqual([7, 9]);
    expect(Array.from(P.data)).toEqual(Array.from(expected.data));
  });

  it('predictLowRank equals X·(A·B), and a rank-1 factor pair gives a rank-1 prediction', async () => {
    const X = randomMatrix(6, 4, 3);
    const A = randomMatrix(4, 2, 4);
    const B = randomMatrix(2, 8, 5);
    const backend = await createPureBackend();
    const W = await backend.matmul(A, B, { dtype: 'float64' });
    const dense = await backend.matmul(X, W, { dtype: 'float64' });
    const P = predictLowRank(X, { A, B });
    for (let i = 0; i < P.data.length; i++) expect(P.data[i]).toBeCloseTo(dense.data[i]!, 4);
  });

  it('names the shapes when the factors do not chain or X does not match', async () => {
    const X = randomMatrix(3, 4, 6);
    await expectVoxelwiseError(
      () => predictLowRank(X, { A: randomMatrix(4, 2, 7), B: randomMatrix(3, 5, 8) }),
      'E_SHAPE_MISMATCH',
      /A is 4 × 2/,
    );
    await expectVoxelwiseError(() => predictLinear(X, randomMatrix(5, 2, 9)), 'E_SHAPE_MISMATCH', /3 × 4 matrix by a 5 × 2/);
  });
});
