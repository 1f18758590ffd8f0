import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matrix, pearson, splitCorrelation, splitR2 } from '../src/index.js';
import type { Matrix } from '../src/index.js';
import { expectCode } from './expect-code.js';

const column = (M: Matrix, j: number): Float64Array => Float64Array.from({ length: M.rows }, (_, i) => M.data[i * M.cols + j]!);

/** Values on a 0.01 grid in [−10, 10]: no subnormals, whose squares would underflow. */
const value = fc.integer({ min: -1000, max: 1000 }).map((k) => k / 100);

/** A problem of n samples × v voxels with B band predictions, from fast-check's doubles. */
const problem = fc
  .record({ n: fc.integer({ min: 3, max: 12 }), v: fc.integer({ min: 1, max: 4 }), B: fc.integer({ min: 1, max: 4 }) })
  .chain(({ n, v, B }) =>
    fc.record({
      n: fc.constant(n),
      v: fc.constant(v),
      Y: fc.array(value, { minLength: n * v, maxLength: n * v }),
      parts: fc.array(fc.array(value, { minLength: n * v, maxLength: n * v }), {
        minLength: B,
        maxLength: B,
      }),
    }),
  );

describe('splitR2', () => {
  it('parts sum to the joint 1 − Σ(y − Σŷ)²/Σy² (to 1e-6)', () => {
    fc.assert(
      fc.property(problem, ({ n, v, Y, parts }) => {
        const Ym = matrix(n, v, Float64Array.from(Y));
        const P = parts.map((p) => matrix(n, v, Float64Array.from(p)));
        const split = splitR2(Ym, P);
        for (let j = 0; j < v; j++) {
          let sse = 0;
          let sst = 0;
          for (let i = 0; i < n; i++) {
            const y = Y[i * v + j]!;
            let s = 0;
            for (const p of parts) s += p[i * v + j]!;
            sse += (y - s) ** 2;
            sst += y * y;
          }
          const joint = sst > 0 ? 1 - sse / sst : 0;
          const total = split.reduce((acc, r) => acc + r[j]!, 0);
          expect(Math.abs(total - joint)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(joint)));
        }
      }),
    );
  });

  it('matches the product measure by hand on a small case', () => {
    // y = [1, −1], ŷ_A = [1, 0], ŷ_B = [0, −1]: Σy² = 2, R²_A = (2·1 − 1·1)/2, R²_B = (2·1 − 1·1)/2.
    const Y = matrix(2, 1, Float64Array.from([1, -1]));
    const [a, b] = splitR2(Y, [matrix(2, 1, Float64Array.from([1, 0])), matrix(2, 1, Float64Array.from([0, -1]))]);
    expect(a![0]).toBeCloseTo(0.5, 12);
    expect(b![0]).toBeCloseTo(0.5, 12);
  });

  it('rejects a band prediction of the wrong shape (E_SHAPE_MISMATCH naming the band)', () => {
    const Y = matrix(3, 2, new Float64Array(6));
    expectCode(() => splitR2(Y, [matrix(3, 2, new Float64Array(6)), matrix(2, 2, new Float64Array(4))]), 'E_SHAPE_MISMATCH', /band 1/);
    expectCode(() => splitR2(Y, []), 'E_DATA_INVALID');
  });
});

describe('splitCorrelation', () => {
  it('parts sum to the Pearson r of the joint prediction (to 1e-6)', () => {
    fc.assert(
      fc.property(problem, ({ n, v, Y, parts }) => {
        const Ym = matrix(n, v, Float64Array.from(Y));
        const P = parts.map((p) => matrix(n, v, Float64Array.from(p)));
        const split = splitCorrelation(Ym, P);
        const joint = matrix(
          n,
          v,
          Float64Array.from(Y, (_, k) => parts.reduce((s, p) => s + p[k]!, 0)),
        );
        for (let j = 0; j < v; j++) {
          const total = split.reduce((acc, r) => acc + r[j]!, 0);
          expect(Math.abs(total - pearson(column(joint, j), column(Ym, j)))).toBeLessThanOrEqual(1e-6);
        }
      }),
    );
  });
});
