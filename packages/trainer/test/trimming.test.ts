import { describe, expect, it } from 'vitest';
import { memoryStory } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { checkStoryTrim, sliceRange, storyTrim, trimmingSlices } from '../src/trimming.js';

/** A LeBel-like story: `n` TRs, responses on TRs [10, n − 5). */
function story(n: number) {
  const trTimes = Float64Array.from({ length: n }, (_, k) => 2 * k - 9);
  const rows = n - 15;
  return memoryStory({
    name: 's',
    words: { text: ['a'], onset: Float64Array.of(1), offset: Float64Array.of(1.2) },
    trTimes,
    trim: { start: 10, end: 5 },
    responses: { rows, cols: 1, data: new Float32Array(rows) },
  });
}

describe('trimming', () => {
  it('slices like Python', () => {
    expect(sliceRange(10, { start: 2, end: -3 })).toEqual([2, 7]);
    expect(sliceRange(10, { start: -4, end: null })).toEqual([6, 10]);
    expect(sliceRange(10, { start: 8, end: 3 })).toEqual([8, 8]);
    expect(sliceRange(10, { start: 0, end: 99 })).toEqual([0, 10]);
  });

  it('defaults features to the story trim and targets to every row; the rows line up', () => {
    const s = story(100);
    const t = storyTrim(s, 'train', trimmingSlices('story'));
    expect(t).toMatchObject({ featureStartTR: 10, targetStartTR: 10, featureRows: 85, targetRows: 85 });
    checkStoryTrim(s, 'train', t, true);
  });

  it("LITcoder's LeBel trims align: test features [50:-5] with targets [40:]", () => {
    const s = story(120);
    const slices = trimmingSlices('litcoder-lebel');
    const train = storyTrim(s, 'train', slices);
    const test = storyTrim(s, 'test', slices);
    expect(train).toMatchObject({ featureStartTR: 10, targetStartTR: 10, featureRows: 105 });
    expect(test).toMatchObject({ featureStartTR: 50, targetStartTR: 50, featureRows: 65, targetRows: 65 });
    checkStoryTrim(s, 'test', test, true);
  });

  it('fails on an inverted trim (5/10 instead of 10/5) even though the row counts agree', async () => {
    const s = story(100);
    const t = storyTrim(s, 'train', { trainFeatures: { start: 5, end: -10 } });
    expect(t.featureRows).toBe(t.targetRows);
    await expectVoxelwiseError(() => checkStoryTrim(s, 'train', t, true), 'E_ALIGNMENT', 'story "s"', 'TR 5', 'TR 10', 'checkAlignment');
    expect(() => checkStoryTrim(s, 'train', t, false)).not.toThrow();
  });

  it('fails when the kept rows differ in number, naming both slices', async () => {
    const s = story(100);
    const t = storyTrim(s, 'test', { testFeatures: { start: 10, end: -5 }, testTargets: { start: 40, end: null } });
    await expectVoxelwiseError(() => checkStoryTrim(s, 'test', t, true), 'E_ALIGNMENT', '[10:-5]', '[40:]');
  });
});
