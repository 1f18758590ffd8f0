import { describe, expect, it } from 'vitest';
import { createContext, isVoxelwiseError, memoryStory } from '@voxelwise/core';
import type { FeatureExtractor, FeatureSet, StageContext, Story } from '@voxelwise/core';

/** Options of {@link describeExtractorConformance}. */
export interface ExtractorConformanceOptions {
  /** Creates a fresh extractor; called once per test. */
  create: () => FeatureExtractor | Promise<FeatureExtractor>;
  /**
   * Stories the extractor has data for. @default {@link conformanceStories}() — extractors that
   * read files write theirs for these stories before the suite runs.
   */
  stories?: () => readonly Story[] | Promise<readonly Story[]>;
  /**
   * A story whose external data do not line up with it (e.g. a feature file with one row too
   * many). Extraction must throw `E_ALIGNMENT` naming the story. Omit for extractors that derive
   * everything from the story itself.
   */
  misaligned?: () => Story | Promise<Story>;
  /** @default createContext({ seed: 0 }) */
  context?: () => StageContext;
}

const WORDS_A = ['The', 'cat', 'sat', '', 'on', 'the', 'mat', 'and', 'then', 'it', 'ran', 'away', '', 'quickly', 'zyxt', 'dog'];
const WORDS_B = ['a', 'dog', '', 'barked', 'at', 'The', 'cat', 'Mat'];

function buildStory(name: string, words: readonly string[], start: number, nTR: number): Story {
  const onset = new Float64Array(words.length);
  const offset = new Float64Array(words.length);
  let t = start;
  for (let i = 0; i < words.length; i++) {
    // Uneven word lengths and gaps so TR windows hold different counts.
    const len = 0.2 + 0.05 * ((i * 7) % 5);
    onset[i] = t;
    offset[i] = t + len;
    t += len + 0.1 * ((i * 3) % 4);
  }
  const trTimes = new Float64Array(nTR);
  for (let k = 0; k < nTR; k++) trTimes[k] = 2 * k + 1;
  const trim = { start: 1, end: 1 };
  const rows = nTR - 2;
  return memoryStory({
    name,
    words: { text: words, onset, offset },
    trTimes,
    trim,
    responses: { rows, cols: 2, data: new Float32Array(rows * 2) },
  });
}

/**
 * The default stories of the conformance suite: two short stories with capitalised, repeated,
 * empty and out-of-vocabulary words on a 2 s TR grid. Deterministic.
 *
 * @example
 * for (const s of conformanceStories()) writeFeatures(`${dir}/${s.name}.npy`, s.words.text.length);
 */
export function conformanceStories(): Story[] {
  return [buildStory('conformance-a', WORDS_A, 0.4, 9), buildStory('conformance-b', WORDS_B, 1.1, 6)];
}

function snapshot(story: Story): string {
  return JSON.stringify([
    story.name,
    story.words.text,
    [...story.words.onset],
    [...story.words.offset],
    [...story.wordTimes],
    [...story.trTimes],
    story.trim,
  ]);
}

/** Word rows pair with word times, time-stamped rows with their own `times`, TR rows with the grid. */
function expectedRows(story: Story, fs: FeatureSet): number {
  if (fs.level === 'time') {
    const t = fs.times ?? new Float64Array(0);
    for (let i = 0; i < t.length; i++) {
      if (!Number.isFinite(t[i]!) || (i > 0 && !(t[i]! > t[i - 1]!)))
        expect.fail(`story "${story.name}": time ${i} is ${t[i]} (times must increase)`);
    }
    return t.length;
  }
  return fs.level === 'word' ? story.wordTimes.length : story.trTimes.length;
}

function same(a: FeatureSet, b: FeatureSet): void {
  expect(b.level).toBe(a.level);
  expect([b.data.rows, b.data.cols]).toEqual([a.data.rows, a.data.cols]);
  expect(b.data.data.constructor).toBe(a.data.data.constructor);
  expect(
    Buffer.from(b.data.data.buffer, b.data.data.byteOffset, b.data.data.byteLength).equals(
      Buffer.from(a.data.data.buffer, a.data.data.byteOffset, a.data.data.byteLength),
    ),
  ).toBe(true);
}

/**
 * The contract every feature extractor meets, as a vitest suite (like unstorage's `testDriver`):
 * rows match the story's words (word level), their own increasing `times` (time level, e.g.
 * speech windows) or TRs (TR level); float32/float64 finite data with
 * a consistent column count; deterministic, stateless across stories, and leaving the story
 * untouched; never returning rows that disagree with the story's word times; a coded
 * `E_ALIGNMENT` error when external data do not fit; and a `dispose` that can be called twice.
 *
 * @example
 * describeExtractorConformance('wordrate (huth)', {
 *   create: () => wordRateStage.create({ mode: 'huth' }, createContext()),
 * });
 */
export function describeExtractorConformance(name: string, options: ExtractorConformanceOptions): void {
  const ctx = (): StageContext => options.context?.() ?? createContext({ seed: 0 });
  const stories = async (): Promise<readonly Story[]> => (options.stories ? await options.stories() : conformanceStories());

  describe(`extractor conformance: ${name}`, () => {
    it('has an id and a level', async () => {
      const ex = await options.create();
      expect(typeof ex.id).toBe('string');
      expect(ex.id.length).toBeGreaterThan(0);
      expect(['word', 'time', 'tr']).toContain(ex.level);
      await ex.dispose?.();
    });

    it('gives one row per word (word level) or per TR (TR level), as finite floats', async () => {
      const ex = await options.create();
      const c = ctx();
      let cols: number | undefined;
      const all = await stories();
      expect(all.length).toBeGreaterThan(0);
      for (const story of all) {
        const fs = await ex.extract(story, c);
        expect(fs.level, `level of story "${story.name}"`).toBe(ex.level);
        expect(fs.data.rows, `rows of story "${story.name}"`).toBe(expectedRows(story, fs));
        expect(fs.data.cols).toBeGreaterThan(0);
        cols ??= fs.data.cols;
        expect(fs.data.cols, 'the same columns for every story').toBe(cols);
        expect(fs.data.data instanceof Float32Array || fs.data.data instanceof Float64Array).toBe(true);
        expect(fs.data.data.length).toBe(fs.data.rows * fs.data.cols);
        for (let k = 0; k < fs.data.data.length; k++)
          if (!Number.isFinite(fs.data.data[k]!)) expect.fail(`story "${story.name}": value ${k} is ${fs.data.data[k]}`);
        if (fs.columns) expect(fs.columns.length).toBe(fs.data.cols);
      }
      await ex.dispose?.();
    });

    it('is deterministic, keeps no state between stories and leaves stories untouched', async () => {
      const all = await stories();
      const before = all.map(snapshot);
      const first = await options.create();
      const c = ctx();
      const forward: FeatureSet[] = [];
      for (const story of all) forward.push(await first.extract(story, c));
      const again = await first.extract(all[0]!, c);
      same(forward[0]!, again);
      const second = await options.create();
      const backward: FeatureSet[] = [];
      for (const story of [...all].reverse()) backward.unshift(await second.extract(story, ctx()));
      for (let i = 0; i < all.length; i++) same(forward[i]!, backward[i]!);
      expect(all.map(snapshot)).toEqual(before);
      await first.dispose?.();
      await second.dispose?.();
    });

    it('never returns rows that disagree with the story', async () => {
      const story = (await stories())[0]!;
      // A malformed story: one word time fewer than words. Word-level rows are paired with word
      // times, so the extractor must either fail with a coded error or follow the word times.
      const broken: Story = { ...story, name: `${story.name}-broken`, wordTimes: story.wordTimes.subarray(0, story.wordTimes.length - 1) };
      const ex = await options.create();
      let result: FeatureSet | undefined;
      try {
        result = await ex.extract(broken, ctx());
      } catch (error) {
        expect(isVoxelwiseError(error), `expected a VoxelwiseError, got ${String(error)}`).toBe(true);
      }
      if (result) expect(result.data.rows).toBe(expectedRows(broken, result));
      await ex.dispose?.();
    });

    if (options.misaligned) {
      const misaligned = options.misaligned;
      it('fails with E_ALIGNMENT naming the story when its data do not fit', async () => {
        const story = await misaligned();
        const ex = await options.create();
        let caught: unknown;
        try {
          await ex.extract(story, ctx());
        } catch (error) {
          caught = error;
        }
        expect(isVoxelwiseError(caught, 'E_ALIGNMENT'), `expected E_ALIGNMENT, got ${String(caught)}`).toBe(true);
        expect((caught as Error).message).toContain(`"${story.name}"`);
        await ex.dispose?.();
      });
    }

    it('can be disposed twice', async () => {
      const ex = await options.create();
      await ex.extract((await stories())[0]!, ctx());
      await ex.dispose?.();
      await ex.dispose?.();
    });
  });
}
