import type { PreTrainedTokenizer } from '@huggingface/transformers';

/** Encodes text without special tokens and decodes ids, as LITcoder's context builder uses a tokenizer. */
export interface TextTokenizer {
  /** Token ids of `text`, no BOS/EOS added (`add_special_tokens=False`). */
  encode(text: string): number[];
  /** Text of `ids` (special tokens kept, no clean-up of spaces). */
  decode(ids: readonly number[]): string;
  /** SHA-256 of the tokenizer files, for cache keys. */
  readonly hash: string;
}

/** Wraps a transformers.js tokenizer. */
export function wrapTokenizer(tok: PreTrainedTokenizer, hash: string): TextTokenizer {
  return {
    hash,
    encode: (text) => tok.encode(text, { add_special_tokens: false }),
    // transformers ≥ 4.46 (LITcoder pins 4.47.1) decodes without clean-up for GPT-2 (huggingface/transformers#31938).
    decode: (ids) => tok.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  };
}
