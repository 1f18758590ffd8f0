import { lebelWords, parseTextGrid, parseWordsTsv } from '@voxelwise/assembly/text';
import { wordMidpoints } from '@voxelwise/core';
import { wordsAtRate } from './text-story.js';
import type { TimedWords } from './text-story.js';

/** How a text's words are timed: a constant reading rate, a words TSV, or a Praat TextGrid. */
export type TimingMode = 'text' | 'tsv' | 'textgrid';

/**
 * Words and their times from the page's input or `voxelwise predict`'s file: plain text at
 * `wordsPerSecond`; a words TSV (`word`, `onset`, `offset`; assembly `parseWordsTsv`); or a
 * TextGrid's word tier with Huth's non-speech labels dropped (assembly `lebelWords`). Times are
 * word midpoints, as the trainer's stories use.
 */
export function timedWords(mode: TimingMode, input: string, options: { wordsPerSecond?: number; source?: string } = {}): TimedWords {
  const source = options.source ?? `<${mode}>`;
  const table =
    mode === 'text'
      ? wordsAtRate(input, options.wordsPerSecond ?? 2.5)
      : mode === 'tsv'
        ? parseWordsTsv(input, source)
        : lebelWords(parseTextGrid(input, source), source);
  return { words: table.text, times: wordMidpoints(table), table };
}
