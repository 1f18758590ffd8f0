import { describe, expect, it } from 'vitest';
import { median, pearson } from '../src/index.js';

describe('pearson', () => {
  it('matches scipy.stats.pearsonr on a small example', () => {
    // Centred sums: Σxy = 12, Σx² = 10, Σy² = 21.2, so r = 12 / √212 (= scipy.stats.pearsonr).
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 7])).toBeCloseTo(12 / Math.sqrt(212), 14);
    expect(pearson(Float32Array.of(1, 2, 3), [3, 2, 1])).toBeCloseTo(-1, 14);
  });

  it('gives 0 for a constant or empty series instead of NaN', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
    expect(
      pearson(
        [1, 2, 3],
        [0.1, 0.1, 0.1].map((v) => v * 0 + 2),
      ),
    ).toBe(0);
    expect(pearson([], [])).toBe(0);
  });

  it('is invariant to shift and positive scale', () => {
    const a = [0.3, -1.2, 2.5, 0.7, -0.4, 1.1];
    const b = [1.0, -0.5, 1.9, 0.2, 0.1, 0.8];
    const r = pearson(a, b);
    expect(
      pearson(
        a.map((v) => 3 * v + 100),
        b,
      ),
    ).toBeCloseTo(r, 12);
    expect(pearson(b, a)).toBe(r);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values (numpy.median)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([3, 1, 4, 1])).toBe(2);
    expect(median(Float32Array.of(-1, 5))).toBe(2);
  });

  it('is NaN for no values and leaves the input alone', () => {
    expect(median([])).toBeNaN();
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
