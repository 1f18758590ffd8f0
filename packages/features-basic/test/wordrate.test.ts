import { describe, expect, it } from 'vitest';
import { createContext, memoryStory, toRows } from '@voxelwise/core';
import { describeExtractorConformance, expectVoxelwiseError } from '@voxelwise/testing';
import { wordRateHuth, wordRateLitcoder, wordRateStage } from '../src/index.js';

/** Words placed at exact times (onset = offset, so the midpoint is the time itself). */
function at(times: number[], text: string[], trTimes: number[]) {
  const t = Float64Array.from(times);
  return memoryStory({
    name: 'timed',
    words: { text, onset: t, offset: t },
    trTimes: Float64Array.from(trTimes),
    trim: { start: 0, end: 0 },
    responses: { rows: trTimes.length, cols: 1, data: new Float32Array(trTimes.length) },
  });
}

// TR centres 1, 3, 5 (TR 2 s). Word times and which TR each window gives them to:
//   time   text   litcoder [t_i, t_i+1), last [5, 5+w)   centered [c-1, c+1)
//   0.5    a      before t_0: not counted                 TR 0
//   1.0    b      TR 0                                    TR 0
//   2.1    ''     empty: never counted                    –
//   2.5    c      TR 0                                    TR 1
//   3.0    d      TR 1                                    TR 1
//   4.0    '  '   whitespace only: never counted          –
//   5.9    e      TR 2 (w = 2 or 1.5)                     TR 2
//   6.5    f      TR 2 if w = 2; not if w = 1.5           past the grid
const story = at([0.5, 1.0, 2.1, 2.5, 3.0, 4.0, 5.9, 6.5], ['a', 'b', '', 'c', 'd', '  ', 'e', 'f'], [1, 3, 5]);

describe('wordRateLitcoder', () => {
  it('counts non-empty words in LITcoder windows [t_i, t_i+1) (base_processor.py compute_word_rate_features)', () => {
    const f = wordRateLitcoder(story, { window: 'litcoder' });
    expect(f.level).toBe('tr');
    expect(toRows(f.data)).toEqual([[2], [1], [2]]);
  });

  it('uses lastWindow for the last TR, as LITcoder uses its generator tr', () => {
    expect(toRows(wordRateLitcoder(story, { window: 'litcoder', lastWindow: 1.5 }).data)).toEqual([[2], [1], [1]]);
  });

  it('counts in windows centred on the TR times by default', () => {
    expect(toRows(wordRateLitcoder(story).data)).toEqual([[2], [2], [1]]);
  });

  it('splits non-uniform grids halfway between TR centres', () => {
    const s = at([0.9, 1.4, 1.6, 3.9, 4.1, 6.9], ['a', 'b', 'c', 'd', 'e', 'f'], [1, 2, 6]);
    // Edges: 0.5 | 1.5 | 4 | 8 (first and last extended by half the neighbouring spacing).
    expect(toRows(wordRateLitcoder(s).data)).toEqual([[2], [2], [2]]);
  });

  it('needs lastWindow for a one-TR story and refuses decreasing TR times', async () => {
    await expectVoxelwiseError(() => wordRateLitcoder(at([0.5], ['a'], [1])), 'E_OPTIONS_INVALID', 'lastWindow');
    expect(toRows(wordRateLitcoder(at([0.5, 2.5], ['a', 'b'], [1]), { lastWindow: 2 }).data)).toEqual([[1]]);
    await expectVoxelwiseError(() => wordRateLitcoder(at([0.5], ['a'], [3, 1])), 'E_DATA_INVALID', 'not increasing');
  });
});

describe('wordRateHuth', () => {
  it('gives a one per word, empty words included (Huth wordrate)', () => {
    const f = wordRateHuth(story);
    expect(f.level).toBe('word');
    expect(toRows(f.data)).toEqual(Array.from({ length: 8 }, () => [1]));
  });
});

describe('wordrate stage options', () => {
  it('rejects window options in huth mode', () => {
    const r = wordRateStage.options.safeParse({ mode: 'huth', window: 'litcoder' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('applies to mode');
  });
});

describeExtractorConformance('wordrate (litcoder, centered)', {
  create: () => wordRateStage.create(wordRateStage.options.parse({}), createContext()),
});
describeExtractorConformance('wordrate (litcoder windows)', {
  create: () => wordRateStage.create(wordRateStage.options.parse({ window: 'litcoder' }), createContext()),
});
describeExtractorConformance('wordrate (huth)', {
  create: () => wordRateStage.create(wordRateStage.options.parse({ mode: 'huth' }), createContext()),
});
