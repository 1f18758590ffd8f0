import { voxelwiseError, zeros } from '@voxelwise/core';
import type { FeatureSet, Story } from '@voxelwise/core';
import { storyWordCount } from './story-words.js';

const WHERE = 'features-basic:wordrate';

/**
 * Where each TR's counting window lies.
 * - `centered`: `[c − TR/2, c + TR/2)` around the TR centre `c`, with boundaries halfway between
 *   neighbouring centres — the same bins as `rect` and Lanczos use for `trTimes` (TR centres).
 * - `litcoder`: `[t_i, t_{i+1})`, the last TR `[t_last, t_last + lastWindow)`, exactly as LITcoder's
 *   `compute_word_rate_features` (GT-LIT-Lab/litcoder_core encoding/assembly/base_processor.py).
 *   With TR-centre times this is shifted half a TR late; use it for parity with LITcoder results.
 */
export type WordRateWindow = 'centered' | 'litcoder';

/** Options of {@link wordRateLitcoder}. */
export interface WordRateCountOptions {
  /** @default 'centered' */
  window?: WordRateWindow;
  /**
   * Length in seconds of the last TR's window in `litcoder` windows (LITcoder uses its generator's
   * `tr`, 1.5 s by default even for LeBel's 2 s TR). @default the spacing of the last two TRs
   */
  lastWindow?: number;
}

function gridSpacing(trTimes: Float64Array): number {
  const n = trTimes.length;
  return n > 1 ? trTimes[n - 1]! - trTimes[n - 2]! : Number.NaN;
}

/** Index of the last element of the increasing array `a` that is ≤ t, or −1. */
function lastAtOrBefore(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length; // invariant: a[lo-1] ≤ t < a[hi]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * TR-level word rate: the number of non-empty words (`text.trim() !== ''`) whose time falls in
 * each TR's window. Already on the TR grid, so it is not downsampled
 * (LITcoder encoding/assembly/base_processor.py `compute_word_rate_features` +
 * encoding/features/simple_features.py `WordRateFeatureExtractor`).
 *
 * @example
 * const { data } = wordRateLitcoder(story, { window: 'litcoder', lastWindow: 1.5 });
 */
export function wordRateLitcoder(story: Story, options: WordRateCountOptions = {}): FeatureSet {
  const { trTimes, wordTimes, words } = story;
  const nWords = storyWordCount(story, WHERE);
  const n = trTimes.length;
  const window = options.window ?? 'centered';
  const out = zeros(n, 1, 'float64');
  if (n === 0) return { level: 'tr', data: out, columns: ['wordrate'] };
  for (let i = 1; i < n; i++) {
    if (!(trTimes[i]! > trTimes[i - 1]!)) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where: WHERE,
        message: `story "${story.name}": TR times are not increasing at TR ${i}`,
        got: [trTimes[i - 1], trTimes[i]],
        details: { story: story.name },
      });
    }
  }
  const spacing = gridSpacing(trTimes);
  const last = options.lastWindow ?? spacing;
  if (!(last > 0)) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `story "${story.name}" has one TR, so the window length cannot be inferred`,
      hint: 'Set the lastWindow option (seconds).',
    });
  }
  // Centred windows: TR i covers [b_i, b_{i+1}) with b_i halfway between centres i−1 and i.
  const firstEdge = trTimes[0]! - (n > 1 ? (trTimes[1]! - trTimes[0]!) / 2 : last / 2);
  const lastEdge = trTimes[n - 1]! + (n > 1 ? spacing / 2 : last / 2);
  for (let j = 0; j < nWords; j++) {
    if (words.text[j]!.trim() === '') continue;
    const t = wordTimes[j]!;
    let i: number;
    if (window === 'litcoder') {
      i = lastAtOrBefore(trTimes, t);
      // LITcoder: the last TR counts words in [t_last, t_last + tr).
      if (i === n - 1 && !(t < trTimes[n - 1]! + last)) i = -1;
    } else {
      if (t < firstEdge || t >= lastEdge) continue;
      i = lastAtOrBefore(trTimes, t);
      // Past the midpoint to the next centre, the word belongs to the next TR.
      if (i < 0) i = 0;
      else if (i < n - 1 && t >= (trTimes[i]! + trTimes[i + 1]!) / 2) i += 1;
    }
    if (i >= 0) out.data[i]! += 1;
  }
  return { level: 'tr', data: out, columns: ['wordrate'] };
}

/**
 * Word-level word rate: a column of ones, one row per word including empty words, to be
 * Lanczos-downsampled (HuthLab/deep-fMRI-dataset `encoding/feature_spaces.py`
 * `get_wordrate_vectors`).
 *
 * @example
 * const { data } = wordRateHuth(story); // words × 1, all ones
 */
export function wordRateHuth(story: Story): FeatureSet {
  const out = zeros(storyWordCount(story, WHERE), 1, 'float64');
  out.data.fill(1);
  return { level: 'word', data: out, columns: ['wordrate'] };
}
