import { describe, expect, it } from 'vitest';
import { fromRows, toRows, zscore } from '../src/index.js';

describe('zscore', () => {
  it('uses ddof 0 and zeroes constant columns', () => {
    expect(
      toRows(
        zscore(
          fromRows([
            [1, 5],
            [3, 5],
          ]),
        ),
      ),
    ).toEqual([
      [-1, 0],
      [1, 0],
    ]);
  });

  it('zeroes a constant column whose mean is not exact (numpy would give ±1)', () => {
    const z = zscore(
      fromRows([
        [0.1, 1],
        [0.1, 2],
        [0.1, 3],
      ]),
    );
    expect(toRows(z).map((r) => r[0])).toEqual([0, 0, 0]);
    expect(z.data[1]).toBeCloseTo(-Math.sqrt(1.5), 14);
  });

  it('divides by n − 1 with ddof 1 and zeroes columns whose sd is at most epsilon', () => {
    const m = fromRows([
      [1, 0],
      [3, 1e-9],
    ]);
    const z = zscore(m, { ddof: 1, epsilon: 1e-6 });
    // sd with ddof 1 of [1, 3] is √2, so the values are ±1/√2.
    expect(toRows(z)).toEqual([
      [-1 / Math.SQRT2, 0],
      [1 / Math.SQRT2, 0],
    ]);
  });

  it('reproduces the z-score of the LITcoder/Huth reference (numpy, ddof 0)', () => {
    // Values from running Huth deep-fMRI-dataset ridge_utils/npp.py `zs` on this matrix.
    const z = zscore(
      fromRows([
        [1, 2, 0],
        [3, 2, 1],
        [5, 2, 5],
      ]),
    );
    const want = [
      [-1.224744871391589, 0, -0.9258200997725514],
      [0, 0, -0.4629100498862757],
      [1.224744871391589, 0, 1.3887301496588271],
    ];
    toRows(z).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 14)));
  });
});
