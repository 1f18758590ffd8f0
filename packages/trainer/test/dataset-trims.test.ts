import { describe, expect, it } from 'vitest';
import { memoryStory } from '@voxelwise/core';
import { checkStoryTrim, storyTrim, trimmingSlices } from '../src/trimming.js';

function story(nTRs: number, trim = { start: 0, end: 0 }) {
  const rows = nTRs - trim.start - trim.end;
  return memoryStory({
    name: 'pieman',
    words: { text: ['a'], onset: Float64Array.of(1), offset: Float64Array.of(1.2) },
    trTimes: Float64Array.from({ length: nTRs }, (_, k) => 0.75 + 1.5 * k),
    trim,
    responses: { rows, cols: 1, data: new Float32Array(rows) },
  });
}

describe('LITcoder trims of Narratives and LPP', () => {
  it('litcoder-narratives keeps TRs [14:-9] of features and targets of an untrimmed assembly, aligned', () => {
    const s = story(100);
    for (const role of ['train', 'test'] as const) {
      const t = storyTrim(s, role, trimmingSlices('litcoder-narratives'));
      expect([t.featureStartTR, t.featureRows, t.targetStartTR, t.targetRows]).toEqual([14, 77, 14, 77]);
      expect(() => checkStoryTrim(s, role, t, true)).not.toThrow();
    }
    const lpp = storyTrim(story(300), 'train', trimmingSlices('litcoder-lpp'));
    expect([lpp.featureStartTR, lpp.featureRows, lpp.targetStartTR]).toEqual([5, 290, 5]);
  });

  it('the same rows as the importer trim read through the story trim; both at once is refused as misaligned', () => {
    const imported = story(100, { start: 14, end: 9 });
    const t = storyTrim(imported, 'train', trimmingSlices('story'));
    expect([t.featureStartTR, t.featureRows, t.targetStartTR]).toEqual([14, 77, 14]);
    const twice = storyTrim(imported, 'train', trimmingSlices('litcoder-narratives'));
    expect(() => checkStoryTrim(imported, 'train', twice, true)).toThrow(/feature rows do not match|start at TR/);
  });
});
