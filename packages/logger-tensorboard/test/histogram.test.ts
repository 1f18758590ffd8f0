import { describe, expect, it } from 'vitest';
import { bucketCounts, histogramOf, rEdges } from '../src/index.js';

describe('r histograms', () => {
  it('uses equal buckets over [-1, 1], half-open except the last', () => {
    const edges = rEdges(4);
    expect(edges).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(bucketCounts([-1, -0.5, -0.25, 0, 0.49, 0.5, 1, NaN], edges)).toEqual([1, 2, 2, 2]);
    // Edges that are not exact in binary still bucket values equal to them on their right.
    const fine = rEdges(100);
    expect(bucketCounts(fine, fine).every((c, k) => c === (k === 99 ? 2 : 1))).toBe(true);
  });

  it('lays buckets out as PyTorch does: an empty bucket ending at the first non-empty left edge, through the last non-empty bucket', () => {
    const edges = rEdges(10);
    const values = [0.05, 0.15, 0.15, 0.35, NaN];
    const h = histogramOf(values, edges)!;
    expect(h.bucket_limit.map((x) => Number(x.toFixed(6)))).toEqual([0, 0.2, 0.4]);
    expect(h.bucket).toEqual([0, 3, 1]);
    expect(h.num).toBe(4);
    expect(h.min).toBe(0.05);
    expect(h.max).toBe(0.35);
    expect(h.sum).toBeCloseTo(0.7, 12);
    expect(h.sum_squares).toBeCloseTo(0.05 ** 2 + 2 * 0.15 ** 2 + 0.35 ** 2, 12);
    expect(histogramOf([NaN], edges)).toBeUndefined();
    // A value in the first bucket keeps -1 as the leading limit.
    expect(histogramOf([-1], edges)!.bucket_limit[0]).toBe(-1);
  });
});
