import { voxelwiseError } from '@voxelwise/core';
import type { WordTable } from '@voxelwise/core';

const WHERE = 'assembly:gentle';

/** What to do with transcript words the aligner could not place (`case: "not-found-in-audio"`). */
export type UnalignedPolicy = 'interpolate' | 'drop';

/** The words of a Gentle `align.json`, with what was done to them. */
export interface GentleWords {
  readonly words: WordTable;
  /** Words of the transcript without times (`not-found-in-audio`), kept (interpolated) or dropped. */
  readonly unaligned: number;
  /** Aligned words whose onset was moved to the previous word's offset (the aligner overlapped them). */
  readonly overlapsFixed: number;
}

interface GentleWord {
  word?: unknown;
  alignedWord?: unknown;
  case?: unknown;
  start?: unknown;
  end?: unknown;
}

/**
 * Reads the word timings of a Gentle forced alignment (`align.json`, as the Narratives dataset
 * ships under `stimuli/gentle/<task>/align.json`): `words[].{word, alignedWord, case, start,
 * end}`, in transcript order. The text kept is `word` (the transcript's spelling, which language
 * models need as context), times are `start`/`end` in seconds from the start of the audio.
 *
 * Words Gentle did not find in the audio (`case: "not-found-in-audio"`, no `start`/`end`) are, by
 * default (`interpolate`), kept in the text and timed evenly across the gap between the aligned
 * words around them (before the first aligned word: at its onset; after the last: at its offset,
 * with no duration), so the language-model context keeps every transcript word; `drop` removes
 * them. Overlapping aligned words (an onset before the previous word's offset) have their onset
 * moved to that offset. A file that is not Gentle output is `E_FILE_FORMAT` naming it.
 *
 * @example
 * const { words, unaligned } = parseGentleAlign(await readFile(file), file);
 */
export function parseGentleAlign(bytes: Uint8Array, file: string, policy: UnalignedPolicy = 'interpolate'): GentleWords {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8').decode(bytes));
  } catch (cause) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where: WHERE, message: `${file} is not valid JSON`, cause, details: { file } });
  }
  const list = (json as { words?: unknown } | null)?.words;
  if (!Array.isArray(list)) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: WHERE,
      message: `${file} is not a Gentle alignment (no "words" array)`,
      details: { file },
      hint: 'Point at stimuli/gentle/<task>/align.json of the Narratives dataset.',
    });
  }
  const text: string[] = [];
  const onset: number[] = [];
  const offset: number[] = [];
  const timed: boolean[] = [];
  for (const [j, raw] of (list as GentleWord[]).entries()) {
    const w = raw ?? {};
    const spelled = typeof w.word === 'string' ? w.word : typeof w.alignedWord === 'string' ? w.alignedWord : null;
    if (spelled === null) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: WHERE,
        message: `${file}: word ${j + 1} has no "word" text`,
        details: { file, word: j + 1 },
      });
    }
    const hasTimes = w.case === 'success' && typeof w.start === 'number' && typeof w.end === 'number';
    if (hasTimes && (!Number.isFinite(w.start) || !Number.isFinite(w.end) || (w.end as number) < (w.start as number))) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: WHERE,
        message: `${file}: word ${j + 1} "${spelled}" has invalid times (start ${String(w.start)}, end ${String(w.end)})`,
        details: { file, word: j + 1 },
      });
    }
    if (!hasTimes && policy === 'drop') continue;
    text.push(spelled);
    onset.push(hasTimes ? (w.start as number) : Number.NaN);
    offset.push(hasTimes ? (w.end as number) : Number.NaN);
    timed.push(hasTimes);
  }
  const unaligned = (list as GentleWord[]).filter(
    (w) => !(w?.case === 'success' && typeof w.start === 'number' && typeof w.end === 'number'),
  ).length;
  if (!timed.some(Boolean)) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `${file}: no word is aligned to the audio`,
      details: { file },
      hint: 'Re-run the alignment; a transcript without any aligned word cannot be placed in time.',
    });
  }
  let overlapsFixed = 0;
  let lastEnd = -Infinity;
  for (let j = 0; j < text.length; j++) {
    if (!timed[j]) continue;
    if (onset[j]! < lastEnd) {
      onset[j] = Math.min(lastEnd, offset[j]!);
      if (offset[j]! < onset[j]!) offset[j] = onset[j]!;
      overlapsFixed++;
    }
    lastEnd = Math.max(lastEnd, offset[j]!);
  }
  // Spread each run of untimed words evenly over the gap between the timed words around it.
  for (let j = 0; j < text.length;) {
    if (timed[j]) {
      j++;
      continue;
    }
    let k = j;
    while (k < text.length && !timed[k]) k++;
    const prev = j > 0 ? offset[j - 1]! : onset[k]!;
    const next = k < text.length ? onset[k]! : prev;
    const step = (next - prev) / (k - j);
    for (let i = j; i < k; i++) {
      onset[i] = prev + step * (i - j);
      offset[i] = prev + step * (i - j + 1);
    }
    j = k;
  }
  return {
    words: {
      text,
      lower: text.map((w) => w.toLowerCase()),
      onset: Float64Array.from(onset),
      offset: Float64Array.from(offset),
    },
    unaligned,
    overlapsFixed,
  };
}
