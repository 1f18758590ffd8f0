/**
 * Which words can reach which TR. Words are visited in time order (`order[p]` is the data row of
 * the p-th earliest word, a stable sort, so equal times keep their row order); TR `i` sees the
 * sorted positions `[lo[i], hi[i])`. Both bounds are non-decreasing in `i` because TR times
 * increase, which is what makes the banded product O(words × support) instead of O(TRs × words).
 */
export interface BandPlan {
  /** Sorted position → data row. */
  readonly order: Int32Array;
  /** Word times in sorted order. */
  readonly times: Float64Array;
  /** First sorted position inside TR i's support. */
  readonly lo: Int32Array;
  /** One past the last sorted position inside TR i's support. */
  readonly hi: Int32Array;
}

/** Stable time order of the words; the identity when the times are already non-decreasing. */
export function timeOrder(dataTimes: Float64Array): Int32Array {
  const n = dataTimes.length;
  const order = new Int32Array(n);
  let sorted = true;
  for (let j = 0; j < n; j++) {
    order[j] = j;
    if (j > 0 && dataTimes[j]! < dataTimes[j - 1]!) sorted = false;
  }
  if (!sorted) order.sort((a, b) => dataTimes[a]! - dataTimes[b]! || a - b);
  return order;
}

/**
 * Supports `[t − before, t + after]` around every TR time, widened by a relative 1e-9 so that
 * every word with a possibly non-zero weight is inside; the weight functions still apply the
 * reference's exact cut-off test, so the extra words get weight 0 exactly as in the dense matrix.
 */
export function planBand(dataTimes: Float64Array, trTimes: Float64Array, before: number, after: number): BandPlan {
  const order = timeOrder(dataTimes);
  const n = order.length;
  const times = new Float64Array(n);
  for (let p = 0; p < n; p++) times[p] = dataTimes[order[p]!]!;
  const m = trTimes.length;
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  let l = 0;
  let h = 0;
  for (let i = 0; i < m; i++) {
    const t = trTimes[i]!;
    const slack = 1e-9 * (Math.abs(t) + before + after + 1);
    const start = t - before - slack;
    const end = t + after + slack;
    while (l < n && times[l]! < start) l++;
    if (h < l) h = l;
    while (h < n && times[h]! <= end) h++;
    lo[i] = l;
    hi[i] = h;
  }
  return { order, times, lo, hi };
}
