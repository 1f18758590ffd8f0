import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { fullContexts, gpt2Tokenizer, halfContexts, litcoderContexts, noContexts, pyStrip } from '../src/index.js';
import type { LitcoderContextType, TextTokenizer } from '../src/index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
// Source: tools/reference/features-lm-contexts.py — an independent Python implementation of
// LITcoder's policies (GT-LIT-Lab/litcoder_core encoding/assembly/base_processor.py
// `generate_stimuli_with_context`) over its own GPT-2 BPE.
const reference = JSON.parse(readFileSync(path.join(fixtures, 'contexts.json'), 'utf8')) as {
  words: string[];
  cases: Array<{ contextType: LitcoderContextType; lookback: number; contexts: string[] }>;
};

// Every word below is one GPT-2 token (with its leading space), so the cases can be checked by hand.
const WORDS = ['the', 'cat', '', 'sat', 'on', 'the', 'mat'];

describe('LITcoder context policies', () => {
  let tok: TextTokenizer;
  beforeAll(async () => {
    tok = await gpt2Tokenizer();
  });

  it('the hand-checked words are one token each, and an empty word adds a " " token', () => {
    expect(tok.encode('the cat sat on the mat')).toHaveLength(6);
    expect(tok.encode('the cat  sat').map((id) => tok.decode([id]))).toEqual(['the', ' cat', ' ', ' sat']);
  });

  it('fullcontext: last lookback+1 words, cut to the last lookback tokens, decoded and stripped', () => {
    expect(fullContexts(WORDS, 3, tok)).toEqual(['the', 'the cat', '', 'cat  sat', 'sat on', 'sat on the', 'on the mat']);
  });

  it('fullcontext keeps everything when the window fits in lookback tokens', () => {
    expect(fullContexts(WORDS, 256, tok)).toEqual([
      'the',
      'the cat',
      '',
      'the cat  sat',
      'the cat  sat on',
      'the cat  sat on the',
      'the cat  sat on the mat',
    ]);
  });

  it('fullcontext can cut inside a character: the partial byte decodes to U+FFFD', () => {
    // 'the 😀' is 3 tokens (the, Ġ+2 bytes, 1 byte): cut to 2 it is ' 😀'; 'the 😀 sign' cut to 2 starts mid-character.
    expect(fullContexts(['the', '😀', 'sign'], 2, tok)).toEqual(['the', '😀', '\ufffd sign']);
  });

  it('nocontext: grows until it reaches lookback tokens, then restarts after that word', () => {
    expect(noContexts(WORDS, 3, tok)).toEqual(['the', 'the cat', '', 'the cat  sat', 'on', 'on the', 'on the mat']);
  });

  it('halfcontext: moves the start by lookback // 2 words until the window fits', () => {
    expect(halfContexts(WORDS, 3, tok)).toEqual(['the', 'the cat', '', 'cat  sat', 'sat on', 'sat on the', 'on the mat']);
  });

  it('halfcontext gives an empty context (zero row) to a word longer than lookback tokens', () => {
    expect(tok.encode('antidisestablishmentarianism').length).toBeGreaterThan(2);
    expect(halfContexts(['a', 'antidisestablishmentarianism', 'b'], 2, tok)).toEqual(['a', '', 'b']);
  });

  it('halfcontext with lookback 1 is an error instead of LITcoder’s endless loop', async () => {
    await expectVoxelwiseError(() => halfContexts(WORDS, 1, tok), 'E_OPTIONS_INVALID', /lookback/);
  });

  it('empty words always get an empty context', () => {
    for (const type of ['fullcontext', 'nocontext', 'halfcontext'] as const) {
      expect(litcoderContexts(['', 'a', '', ''], type, 4, tok)).toEqual(['', 'a', '', '']);
    }
  });

  it.each(reference.cases.map((c) => [`${c.contextType} lookback ${c.lookback}`, c] as const))(
    'equals the Python reference: %s',
    (_, c) => {
      expect(litcoderContexts(reference.words, c.contextType, c.lookback, tok)).toEqual(c.contexts);
    },
  );

  it('pyStrip strips what Python strips', () => {
    expect(pyStrip('\x1c\t a b \u3000\n')).toBe('a b');
    expect(pyStrip('\ufeffx\ufeff')).toBe('\ufeffx\ufeff');
  });
});
