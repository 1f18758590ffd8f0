/** A `HistogramProto` (tensorboard/compat/proto/histogram.proto) as plain numbers. */
export interface HistogramValue {
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  /** Right edge of each bucket; bucket 0 starts at -DBL_MAX. */
  bucket_limit: number[];
  bucket: number[];
}

/**
 * `bins` equal buckets over [-1, 1], the range of a correlation: edges `-1 + 2k/bins`. Fixed edges
 * (rather than TensorBoard's default exponential buckets) make histograms of different layers
 * directly comparable and keep bucket counts exact.
 */
export function rEdges(bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, k) => -1 + (2 * k) / bins);
}

/**
 * Counts of `values` (finite ones) in the buckets `[edges[k], edges[k+1])`, the last one closed;
 * values outside the edges go to the first or last bucket.
 */
export function bucketCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const lo = edges[0]!;
  const width = (edges[bins]! - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    let k = Math.floor((v - lo) / width);
    // Rounding in the division can land a value one bucket off near an edge: settle it on the edges.
    if (k > 0 && v < edges[k]!) k--;
    if (k < bins - 1 && v >= edges[k + 1]!) k++;
    counts[Math.min(bins - 1, Math.max(0, k))]!++;
  }
  return counts;
}

/**
 * A TensorBoard histogram of `values` over fixed `edges`, laid out as PyTorch's
 * `torch/utils/tensorboard/summary.py` `make_histogram` does: buckets from the first to the last
 * non-empty one, preceded by one empty bucket whose limit is the left edge (the proto stores right
 * edges only), with min, max, count, sum and sum of squares of the values themselves (float64).
 * Undefined when there is no finite value.
 */
export function histogramOf(values: ArrayLike<number>, edges: readonly number[]): HistogramValue | undefined {
  let min = Infinity;
  let max = -Infinity;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    num++;
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (num === 0) return undefined;
  const counts = bucketCounts(values, edges);
  const first = counts.findIndex((c) => c > 0);
  let last = counts.length - 1;
  while (counts[last] === 0) last--;
  return {
    min,
    max,
    num,
    sum,
    sum_squares: sumSquares,
    bucket_limit: edges.slice(first, last + 2),
    bucket: [0, ...counts.slice(first, last + 1)],
  };
}
