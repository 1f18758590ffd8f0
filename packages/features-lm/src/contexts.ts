import { voxelwiseError } from '@voxelwise/core';
import { pyStrip } from './py-strip.js';

/** The three LITcoder context policies (GT-LIT-Lab/litcoder_core encoding/assembly/base_processor.py `generate_stimuli_with_context`). */
export type LitcoderContextType = 'fullcontext' | 'nocontext' | 'halfcontext';

/** What building contexts needs from a tokenizer. */
export interface ContextCodec {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/**
 * LITcoder `_process_fullcontext`: for each non-empty word, the last `lookback` words before it
 * and the word itself joined by single spaces (empty words add extra spaces), cut to the last
 * `lookback` tokens and decoded when longer (the cut may start mid-word), then stripped. Empty
 * words get `""`.
 * (GT-LIT-Lab/litcoder_core:encoding/assembly/base_processor.py `_process_fullcontext`)
 */
export function fullContexts(words: readonly string[], lookback: number, codec: ContextCodec): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '') {
      out.push('');
      continue;
    }
    let text = words.slice(Math.max(0, i - lookback), i + 1).join(' ');
    const tokens = codec.encode(text);
    if (tokens.length > lookback) text = codec.decode(tokens.slice(-lookback));
    out.push(pyStrip(text));
  }
  return out;
}

/**
 * LITcoder `_process_nocontext`: the words since the last reset, joined; once the text reaches
 * `lookback` tokens the next word starts afresh (no overlap). Empty words get `""`.
 * (GT-LIT-Lab/litcoder_core:encoding/assembly/base_processor.py `_process_nocontext`)
 */
export function noContexts(words: readonly string[], lookback: number, codec: ContextCodec): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '') {
      out.push('');
      continue;
    }
    const text = words.slice(start, i + 1).join(' ');
    out.push(pyStrip(text));
    if (codec.encode(text).length >= lookback) start = i + 1;
  }
  return out;
}

/**
 * LITcoder `_process_halfcontext`: a window of words `[start, i]`; while it has more than
 * `lookback` tokens, `start` jumps forward by `lookback // 2` **words** and the word is retried.
 * Empty words get `""`.
 * (GT-LIT-Lab/litcoder_core:encoding/assembly/base_processor.py `_process_halfcontext`)
 */
export function halfContexts(words: readonly string[], lookback: number, codec: ContextCodec): string[] {
  const half = Math.floor(lookback / 2);
  if (half < 1) {
    // LITcoder would loop forever here (start += 0).
    throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where: 'features-lm:lm', message: 'halfcontext needs lookback ≥ 2', got: lookback });
  }
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < words.length) {
    if (words[i] !== '') {
      const text = words.slice(start, i + 1).join(' ');
      if (codec.encode(text).length > lookback) {
        start += half;
        continue;
      }
      out.push(pyStrip(text));
    } else {
      out.push('');
    }
    i++;
  }
  return out;
}

/** LITcoder's context text for every word of a story under `type`. */
export function litcoderContexts(words: readonly string[], type: LitcoderContextType, lookback: number, codec: ContextCodec): string[] {
  if (type === 'fullcontext') return fullContexts(words, lookback, codec);
  if (type === 'nocontext') return noContexts(words, lookback, codec);
  return halfContexts(words, lookback, codec);
}
