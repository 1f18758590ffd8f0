import { voxelwiseError } from '@voxelwise/core';
import { pyStrip } from './py-strip.js';

/** How one word's vector is pooled from a sequence's positions. */
export interface Target {
  /** Output row (the word's index in the story). */
  readonly row: number;
  /** First and last position pooled (inclusive); equal for last-token pooling. */
  readonly from: number;
  readonly to: number;
  /** Also average the BOS at position 0 (mean pooling over a window that starts mid-story). */
  readonly bos?: boolean;
}

/** One model input: BOS-prefixed token ids and the words read from it. */
export interface Sequence {
  readonly ids: Int32Array;
  readonly targets: readonly Target[];
}

/** Every sequence a story needs. */
export interface ExtractionPlan {
  readonly sequences: readonly Sequence[];
  /** Number of output rows (words). */
  readonly nRows: number;
  /** Tokens fed to the model in total (BOS included, padding not). */
  readonly tokens: number;
}

/** Token pooling: the word's last token (LITcoder `last_token=True`) or the mean over all positions, BOS included. */
export type Pooling = 'lastToken' | 'mean';

function tooLong(story: string, row: number, length: number, nPositions: number): Error {
  return voxelwiseError({
    code: 'E_DATA_INVALID',
    where: 'features-lm:lm',
    message: `story "${story}", word ${row}: the context has more tokens than the model has positions`,
    got: length,
    expected: `≤ ${nPositions}`,
    hint: 'Lower "lookback" (or use contextType "sliding", which never exceeds the model length).',
  });
}

/**
 * One sequence per word with a non-empty context: `[BOS] + tokens(context)`, read at the last
 * position or averaged over all positions, as TransformerLens `run_with_cache(text,
 * prepend_bos=True)` does in LITcoder (encoding/features/language_model.py
 * `LanguageModelFeatureExtractor.extract_all_layers`). Words with an empty context get no
 * sequence (their rows stay zero).
 */
export function contextPlan(
  story: string,
  contexts: readonly string[],
  encode: (text: string) => number[],
  bosId: number,
  pooling: Pooling,
  nPositions: number,
): ExtractionPlan {
  const sequences: Sequence[] = [];
  let tokens = 0;
  contexts.forEach((ctx, row) => {
    if (ctx === '') return;
    const body = encode(ctx);
    const ids = new Int32Array(body.length + 1);
    ids[0] = bosId;
    ids.set(body, 1);
    if (ids.length > nPositions) throw tooLong(story, row, ids.length, nPositions);
    const last = ids.length - 1;
    sequences.push({ ids, targets: [{ row, from: pooling === 'mean' ? 0 : last, to: last }] });
    tokens += ids.length;
  });
  return { sequences, nRows: contexts.length, tokens };
}

/** The story as one token stream and where each word ends in it. */
export interface StoryTokens {
  readonly ids: Int32Array;
  /** Index in `ids` of each word's last token, −1 for empty words. */
  readonly lastToken: Int32Array;
}

/**
 * Tokenises a story once: the non-empty words joined by single spaces, encoded word by word
 * (`w₀`, `" " + w₁`, …) so every token belongs to exactly one word. GPT-2's pre-tokenizer splits
 * at those spaces, so this equals encoding the joined text.
 */
export function tokenizeStory(words: readonly string[], encode: (text: string) => number[]): StoryTokens {
  const ids: number[] = [];
  const lastToken = new Int32Array(words.length).fill(-1);
  let first = true;
  words.forEach((w, i) => {
    const word = pyStrip(w);
    if (word === '') return;
    ids.push(...encode(first ? word : ` ${word}`));
    first = false;
    lastToken[i] = ids.length - 1;
  });
  return { ids: Int32Array.from(ids), lastToken };
}

/**
 * The `sliding` policy: the story's token stream in overlapping windows of `window` positions
 * (BOS + `window − 1` tokens). Each window re-reads the last `lookback` tokens of the previous
 * one as context and contributes the words that end in its new part, so every word sees at least
 * `lookback` tokens before it (all of the story before it near the start) at about
 * `window / (window − 1 − lookback)` times the cost of one pass over the story.
 */
export function slidingPlan(story: StoryTokens, bosId: number, pooling: Pooling, lookback: number, window: number): ExtractionPlan {
  const span = window - 1;
  if (span <= lookback) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'features-lm:lm',
      message: 'option "slidingWindow" must exceed lookback + 1',
      got: window,
      expected: `≥ ${lookback + 2}`,
    });
  }
  const N = story.ids.length;
  const wordsByToken = new Map<number, number[]>();
  story.lastToken.forEach((t, row) => {
    if (t < 0) return;
    const list = wordsByToken.get(t);
    if (list) list.push(row);
    else wordsByToken.set(t, [row]);
  });
  const sequences: Sequence[] = [];
  let tokens = 0;
  for (let fresh = 0; fresh < N;) {
    const s = Math.max(0, fresh - lookback);
    const e = Math.min(N, s + span);
    const ids = new Int32Array(e - s + 1);
    ids[0] = bosId;
    ids.set(story.ids.subarray(s, e), 1);
    const targets: Target[] = [];
    for (let t = fresh; t < e; t++) {
      for (const row of wordsByToken.get(t) ?? []) {
        const pos = t - s + 1;
        if (pooling === 'lastToken') targets.push({ row, from: pos, to: pos });
        else {
          // BOS and the last `lookback` tokens, the span fullcontext averages over.
          const from = Math.max(1, pos - lookback + 1);
          targets.push({ row, from, to: pos, bos: true });
        }
      }
    }
    if (targets.length > 0) {
      sequences.push({ ids, targets });
      tokens += ids.length;
    }
    fresh = e;
  }
  return { sequences, nRows: story.lastToken.length, tokens };
}
