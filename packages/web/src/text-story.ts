import { memoryStory, voxelwiseError } from '@voxelwise/core';
import type { Story, WordTable } from '@voxelwise/core';

/** Words of a text with the time of each (seconds; Huth's convention: the word's midpoint). */
export interface TimedWords {
  readonly words: readonly string[];
  readonly times: Float64Array;
  /** The words with onsets and offsets, as an assembly's story holds them. */
  readonly table: WordTable;
}

/**
 * Times a plain text by a constant reading rate: words are the whitespace-separated tokens and
 * word i spans `[i/rate, (i+1)/rate)` (its time is then the midpoint, as for TextGrid words).
 */
export function wordsAtRate(text: string, wordsPerSecond: number): WordTable {
  if (!(wordsPerSecond > 0) || !Number.isFinite(wordsPerSecond)) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'web:text',
      message: 'the reading rate must be a positive number of words per second',
      got: wordsPerSecond,
      hint: 'Narrated stories run at about 2.5 words/s.',
    });
  }
  const words = text.split(/\s+/).filter((w) => w !== '');
  return {
    text: words,
    onset: Float64Array.from(words, (_, i) => i / wordsPerSecond),
    offset: Float64Array.from(words, (_, i) => (i + 1) / wordsPerSecond),
  };
}

/**
 * The TR grid a text is predicted on: TR centres `tr/2 + k·tr` (the bring-your-own assemblies'
 * default grid) from the first TR through the TR holding the last word, plus `max(delays)` TRs so
 * the response to the last words is seen.
 */
export function trGridFor(times: ArrayLike<number>, tr: number, delays: readonly number[]): Float64Array {
  const last = times.length > 0 ? Math.max(0, times[times.length - 1]!) : 0;
  const n = Math.floor(last / tr) + 1 + Math.max(0, ...delays);
  return Float64Array.from({ length: n }, (_, k) => tr / 2 + k * tr);
}

/**
 * A text as a story (no responses), so extractor stages read it as they read an assembly's:
 * the same words, word times (midpoints) and TR grid.
 */
export function textStory(timed: TimedWords, trTimes: Float64Array): Story {
  return memoryStory({
    name: 'text',
    words: timed.table,
    trTimes,
    trim: { start: 0, end: 0 },
    responses: { rows: trTimes.length, cols: 0, data: new Float32Array(0) },
  });
}
