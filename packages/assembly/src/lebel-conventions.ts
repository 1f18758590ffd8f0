import type { ResponseTrim, WordTable } from '@voxelwise/core';
import type { IntervalTier, TextGrid } from './textgrid.js';
import { chooseWordTier } from './tier-choice.js';

/** Labels Huth drops from the word tier (`HuthLab/deep-fMRI-dataset:encoding/ridge_utils/dsutils.py` DEFAULT_BAD_WORDS). */
export const LEBEL_NON_WORDS: ReadonlySet<string> = new Set(['sentence_start', 'sentence_end', 'br', 'lg', 'ls', 'ns', 'sp']);

/** The LeBel/Huth timing constants (`stimulus_utils.load_simulated_trfiles(respdict, tr=2.0, start_time=10.0, pad=5)`). */
export const LEBEL_TIMING = { tr: 2, soundStart: 10, pad: 5 } as const;

/** LeBel trimming: features `[10:-5]` line up with the stored responses (Huth `encoding_utils.py`, `[5+trim:-trim]`, trim 5). */
export const LEBEL_TRIM: ResponseTrim = { start: 10, end: 5 };

/**
 * True when Huth would drop this interval text: `text.lower().strip("{}").strip()` is a
 * non-speech label (dsutils.make_word_ds). Empty texts are kept (they are not in the set).
 */
export function isLebelNonWord(text: string): boolean {
  // Python str.strip("{}") then str.strip(): braces first, whitespace second, in that order.
  const key = text
    .toLowerCase()
    .replace(/^[{}]+|[{}]+$/g, '')
    .trim();
  return LEBEL_NON_WORDS.has(key);
}

/**
 * Picks the word tier of a LeBel TextGrid ({@link chooseWordTier}): the tier named "word"/"words"
 * (case-insensitive), else the interval tier beside one named "phone"/"phones", else the tier
 * whose labels are not ARPAbet phones; an `E_FILE_FORMAT` error naming the file when it cannot
 * tell. (Huth reads `tiers[1]`; LeBel's TextGrids name their tiers, so both agree on them.)
 */
export function lebelWordTier(grid: TextGrid, file: string): IntervalTier {
  return chooseWordTier(grid, file);
}

/**
 * Words of a LeBel TextGrid following Huth exactly: the word tier, non-speech labels dropped,
 * empty intervals kept as empty words, original text kept beside a lower-cased form.
 * (Word times are the interval midpoints: `Story.wordTimes`.)
 *
 * @example
 * const words = lebelWords(parseTextGrid(bytes, file), file);
 */
export function lebelWords(grid: TextGrid, file: string): WordTable {
  const tier = lebelWordTier(grid, file);
  const kept = tier.intervals.filter((iv) => !isLebelNonWord(iv.text));
  return {
    text: kept.map((iv) => iv.text),
    lower: kept.map((iv) => iv.text.toLowerCase()),
    onset: Float64Array.from(kept, (iv) => iv.xmin),
    offset: Float64Array.from(kept, (iv) => iv.xmax),
  };
}

/**
 * The LeBel TR grid of a story with `respdictCount` TRs in respdict.json: `respdict − pad`
 * TRs at `k·TR − soundStart + TR/2` (Huth `load_simulated_trfiles` + `DataSequence.from_grid`,
 * `tr_times = reltrig + tr/2`), i.e. `2k − 9` s.
 */
export function lebelTrTimes(respdictCount: number, timing: { tr?: number; soundStart?: number; pad?: number } = {}): Float64Array {
  const tr = timing.tr ?? LEBEL_TIMING.tr;
  const soundStart = timing.soundStart ?? LEBEL_TIMING.soundStart;
  const pad = timing.pad ?? LEBEL_TIMING.pad;
  const n = Math.max(0, respdictCount - pad);
  const out = new Float64Array(n);
  // Same operation order as numpy: (arange(n)*tr - start_time) + tr/2.
  for (let k = 0; k < n; k++) out[k] = k * tr - soundStart + tr / 2;
  return out;
}
