import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyGpt2, openLmModel, releaseLmModel, runPlan, slidingPlan, tokenizeStory } from '../src/index.js';
import type { ExtractionPlan, LmModel, Sequence, TextTokenizer } from '../src/index.js';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { maxAbsDiff, tempDir } from './helpers.js';

const BASE = 'we went down to the river , where the old boat was tied , and nobody — not even Zoë — said a word about it'.split(' ');
const WORDS = Array.from({ length: 120 }, (_, i) => (i % 17 === 5 ? '' : BASE[i % BASE.length]!));
const BOS = 50256;

describe('sliding windows', () => {
  let model: LmModel;
  let tok: TextTokenizer;
  beforeAll(async () => {
    const tiny = await createTinyGpt2(path.join(tempDir(), 'tiny'), { seed: 5, layers: 2, dModel: 16, heads: 2, positions: 64 });
    model = await openLmModel({ model: tiny.dir, cacheDir: tempDir() });
    tok = await model.tokenizer();
    return () => releaseLmModel(model);
  });

  it('tokenising word by word equals tokenising the joined story', () => {
    const story = tokenizeStory(WORDS, tok.encode);
    expect(Array.from(story.ids)).toEqual(tok.encode(WORDS.filter((w) => w !== '').join(' ')));
    WORDS.forEach((w, i) => expect(story.lastToken[i]! < 0).toBe(w === ''));
  });

  it('reads every non-empty word once, with at least lookback tokens before it, in windows no longer than asked', () => {
    const lookback = 12;
    const window = 32;
    const story = tokenizeStory(WORDS, tok.encode);
    const plan = slidingPlan(story, BOS, 'lastToken', lookback, window);
    const seen = new Map<number, number>();
    for (const s of plan.sequences) {
      expect(s.ids.length).toBeLessThanOrEqual(window);
      expect(s.ids[0]).toBe(BOS);
      for (const t of s.targets) {
        seen.set(t.row, (seen.get(t.row) ?? 0) + 1);
        const globalLast = story.lastToken[t.row]!;
        // Context before the word's last token inside the window (BOS excluded).
        expect(t.to - 1).toBeGreaterThanOrEqual(Math.min(lookback, globalLast));
        expect(s.ids[t.to]).toBe(story.ids[globalLast]);
      }
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(WORDS.flatMap((w, i) => (w === '' ? [] : [i])));
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // Cost: about window / (window − 1 − lookback) passes over the story.
    expect(plan.tokens).toBeLessThan(story.ids.length * (window / (window - 1 - lookback)) + window);
  });

  it('each word’s vector equals a separate run on its own window prefix (causality, pooling indices)', async () => {
    const story = tokenizeStory(WORDS, tok.encode);
    const plan = slidingPlan(story, BOS, 'lastToken', 10, 24);
    const runner = await model.runner();
    const sliding = await runPlan(runner, plan, { memoryBudget: 1 << 30 });
    // One sequence per word: the window up to its last token, read at the end.
    const single: Sequence[] = plan.sequences.flatMap((s) =>
      s.targets.map((t) => ({ ids: s.ids.slice(0, t.to + 1), targets: [{ row: t.row, from: t.to, to: t.to }] })),
    );
    const alone = await runPlan(runner, { sequences: single, nRows: plan.nRows, tokens: 0 }, { memoryBudget: 1 << 30, batchSize: 5 });
    for (let l = 0; l < sliding.length; l++) expect(maxAbsDiff(sliding[l]!, alone[l]!)).toBeLessThan(1e-5);
  });

  it('results do not depend on the batch size (right padding is masked)', async () => {
    const story = tokenizeStory(WORDS, tok.encode);
    const base = slidingPlan(story, BOS, 'mean', 8, 20);
    // Split windows into sequences of different lengths to force padding.
    const plan: ExtractionPlan = {
      ...base,
      sequences: base.sequences.map((s, i) =>
        i % 2 ? s : { ids: s.ids.slice(0, s.ids.length - 1), targets: s.targets.filter((t) => t.to < s.ids.length - 1) },
      ),
    };
    const runner = await model.runner();
    const one = await runPlan(runner, plan, { memoryBudget: 1 << 30, batchSize: 1 });
    const many = await runPlan(runner, plan, { memoryBudget: 1 << 30, batchSize: 6 });
    const auto = await runPlan(runner, plan, { memoryBudget: 1 << 30 });
    for (let l = 0; l < one.length; l++) {
      expect(maxAbsDiff(one[l]!, many[l]!)).toBeLessThan(1e-6);
      expect(maxAbsDiff(one[l]!, auto[l]!)).toBeLessThan(1e-6);
    }
  });

  it('a window that leaves no room beyond lookback is refused', async () => {
    await expectVoxelwiseError(
      () => slidingPlan(tokenizeStory(WORDS, tok.encode), BOS, 'lastToken', 16, 17),
      'E_OPTIONS_INVALID',
      /slidingWindow/,
    );
  });
});
