/**
 * Regenerates the known-answer fixtures of @voxelwise/features-lm from the Python references
 * (never part of the product):
 *
 *   node --conditions=@voxelwise/source --import tsx tools/reference/features-lm-fixtures.ts
 *
 * - test/fixtures/contexts.json: LITcoder context strings from features-lm-contexts.py
 *   (independent GPT-2 BPE + the three policies) for a transcript with empty words, punctuation,
 *   contractions and multi-byte characters.
 * - test/fixtures/forward.json: per-layer pooled activations of the tiny GPT-2 from
 *   features-lm-forward.py (float64 numpy forward pass reading the ONNX weights), for the
 *   extraction plans of a short story under several policies.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  contextPlan,
  createTinyGpt2,
  gpt2Tokenizer,
  litcoderContexts,
  openLmModel,
  slidingPlan,
  tokenizeStory,
} from '@voxelwise/features-lm';
import type { ExtractionPlan, LitcoderContextType, Pooling } from '@voxelwise/features-lm';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', '..', 'packages', 'features-lm', 'test', 'fixtures');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'features-lm-fixtures-'));

/** The tiny model every forward fixture uses. */
export const FIXTURE_MODEL = { seed: 7, layers: 2, dModel: 32, heads: 4, positions: 32 } as const;

const CONTEXT_WORDS = [
  'Once',
  'upon',
  'a',
  'time',
  '',
  'there',
  'was',
  'a',
  'girl',
  'named',
  'Zoë',
  ',',
  'who',
  "didn't",
  'like',
  '',
  '',
  'rain',
  '.',
  'She',
  'lived',
  'in',
  'a',
  'café',
  'on',
  '42nd',
  'street',
  '—',
  'the',
  'one',
  'with',
  'the',
  '😀',
  'sign',
  '!',
  'Every',
  'morning',
  '',
  'at',
  '7:30',
  'she',
  'said',
  '"hello"',
  'to',
  'Mr.',
  "O'Brien",
  'and',
  'his',
  'dog',
  ',',
  'Señor',
  'Bigotes',
  '.',
  'uh',
  'um',
  'you',
  'know',
  '',
  'what',
  'i',
  'mean',
];
const STORY_WORDS = [
  'so',
  'i',
  'walked',
  'into',
  'the',
  '',
  'room',
  'and',
  'everyone',
  'was',
  'there',
  ',',
  'even',
  'Zoë',
  '',
  'who',
  "didn't",
  'come',
  'last',
  'year',
  '.',
  'we',
  'sat',
  'down',
  'and',
  'talked',
  'until',
  'midnight',
];

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
}

// 1. Context strings.
const ctxIn = path.join(tmp, 'contexts-in.json');
const cases = ['fullcontext', 'nocontext', 'halfcontext'].flatMap((contextType) =>
  [3, 5, 8, 256].map((lookback) => ({ contextType, lookback })),
);
writeFileSync(
  ctxIn,
  JSON.stringify({
    words: CONTEXT_WORDS,
    cases,
    texts: [CONTEXT_WORDS.join(' '), 'naïve café 😀 — 7:30', '  double  spaces\tand\ttabs\n'],
  }),
);
writeFileSync(path.join(out, 'contexts.json'), run('python3', [path.join(here, 'features-lm-contexts.py'), ctxIn]));

// 2. Forward passes of the tiny model.
const model = await createTinyGpt2(path.join(tmp, 'tiny'), FIXTURE_MODEL);
const lm = await openLmModel({ model: model.dir, cacheDir: path.join(tmp, 'cache') });
const tok = await lm.tokenizer();
const gpt2 = await gpt2Tokenizer();
const configs: Array<{ contextType: LitcoderContextType | 'sliding'; pooling: Pooling; lookback: number; slidingWindow?: number }> = [
  { contextType: 'fullcontext', pooling: 'lastToken', lookback: 8 },
  { contextType: 'fullcontext', pooling: 'mean', lookback: 8 },
  { contextType: 'halfcontext', pooling: 'lastToken', lookback: 6 },
  { contextType: 'sliding', pooling: 'lastToken', lookback: 8, slidingWindow: 16 },
  { contextType: 'sliding', pooling: 'mean', lookback: 8, slidingWindow: 16 },
];
const results = configs.map((c) => {
  const plan: ExtractionPlan =
    c.contextType === 'sliding'
      ? slidingPlan(tokenizeStory(STORY_WORDS, tok.encode), model.config.bos_token_id, c.pooling, c.lookback, c.slidingWindow!)
      : contextPlan(
          'fixture',
          litcoderContexts(STORY_WORDS, c.contextType, c.lookback, gpt2),
          tok.encode,
          model.config.bos_token_id,
          c.pooling,
          model.config.n_positions,
        );
  const planFile = path.join(tmp, 'plan.json');
  writeFileSync(
    planFile,
    JSON.stringify({
      nRows: plan.nRows,
      nHeads: FIXTURE_MODEL.heads,
      sequences: plan.sequences.map((s) => ({ ids: Array.from(s.ids), targets: s.targets })),
    }),
  );
  const ref = JSON.parse(run('python3', [path.join(here, 'features-lm-forward.py'), model.modelFile, planFile])) as {
    layers: number[][][];
    lnf: number[][];
  };
  return { ...c, sequences: plan.sequences.map((s) => Array.from(s.ids)), layers: ref.layers, lnf: ref.lnf };
});
const sha256 = createHash('sha256').update(readFileSync(model.modelFile)).digest('hex');
writeFileSync(
  path.join(out, 'forward.json'),
  `${JSON.stringify({ source: 'tools/reference/features-lm-forward.py via tools/reference/features-lm-fixtures.ts', model: FIXTURE_MODEL, modelSha256: sha256, words: STORY_WORDS, results })}\n`,
);
rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${path.join(out, 'contexts.json')} and ${path.join(out, 'forward.json')}`);
