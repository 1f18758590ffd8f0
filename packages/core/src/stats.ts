/**
 * Pearson correlation of two equal-length series, two-pass in float64 (means first, then centred
 * sums, as numpy's `np.corrcoef`). A constant series gives 0 instead of NaN, as LITcoder does
 * (encoding/utils.py `correlation_score` turns NaN into 0 with `np.nan_to_num`). Only the first
 * `min(a.length, b.length)` values are used; an empty series gives 0.
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 7]); // 0.993…
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Median of NaN-free values, as numpy's `np.median`: the middle value, or the mean of the two
 * middle values for an even count. An empty input gives NaN. The input is not modified.
 *
 * @example
 * median([3, 1, 4, 1]); // 2
 */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}
