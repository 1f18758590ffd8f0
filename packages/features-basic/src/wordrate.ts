import { zeros } from '@voxelwise/core';
import type { FeatureSet, Story } from '@voxelwise/core';

/**
 * LITcoder word rate: the number of non-empty words whose time falls in each TR window
 * `[t − TR/2, t + TR/2)`; already on the TR grid, so it is not downsampled
 * (LITcoder WordRateFeatureExtractor, anchors §1.3.4).
 */
export function wordRateLitcoder(story: Story): FeatureSet {
  const { trTimes, wordTimes, words } = story;
  const n = trTimes.length;
  const tr = n > 1 ? (trTimes[n - 1]! - trTimes[0]!) / (n - 1) : 2;
  const out = zeros(n, 1, 'float64');
  for (let j = 0; j < wordTimes.length; j++) {
    if (words.text[j]!.trim() === '') continue;
    const t = wordTimes[j]!;
    // First TR whose window [c − TR/2, c + TR/2) contains t.
    const i = Math.floor((t - (trTimes[0]! - tr / 2)) / tr);
    if (i >= 0 && i < n) out.data[i]! += 1;
  }
  return { level: 'tr', data: out, columns: ['wordrate'] };
}

/** Huth word rate: a column of ones per word (empty words included), to be Lanczos-downsampled. */
export function wordRateHuth(story: Story): FeatureSet {
  const out = zeros(story.wordTimes.length, 1, 'float64');
  out.data.fill(1);
  return { level: 'word', data: out, columns: ['wordrate'] };
}
