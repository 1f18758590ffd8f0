import { describe, expect, it } from 'vitest';
import { createContext, matrix, memoryAssembly, memoryStory } from '@voxelwise/core';
import type { Downsampler, FeatureExtractor } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { resolveConfig } from '../src/config.js';
import { DesignBuilder } from '../src/pipeline.js';

const N = 30;
const asm = memoryAssembly(
  { subject: 'toy', tr: 2, nVoxels: 2 },
  ['a', 'b'].map((name) =>
    memoryStory({
      name,
      words: { text: ['w'], onset: Float64Array.of(5), offset: Float64Array.of(5.3) },
      trTimes: Float64Array.from({ length: N }, (_, k) => 1 + 2 * k),
      trim: { start: 0, end: 0 },
      responses: { rows: N, cols: 2, data: Float32Array.from({ length: N * 2 }, (_, i) => Math.sin(i)) },
    }),
  ),
  ['b'],
);

/** Rows every 0.5 s from 4 s on (speech windows), `times` possibly cut short. */
const timeExtractor = (cut = 0): FeatureExtractor => ({
  id: 'speechlike',
  level: 'time',
  extract: async () => {
    const times = Float64Array.from({ length: 100 }, (_, i) => 4 + 0.5 * i);
    return {
      level: 'time',
      data: matrix(
        100,
        1,
        Float32Array.from(times, (t) => Math.cos(t)),
      ),
      times: times.subarray(0, 100 - cut),
    };
  },
});

describe('time-level features', () => {
  it('are resampled at their own times, not at the word times', async () => {
    const seen: Float64Array[] = [];
    const spy: Downsampler = {
      id: 'spy',
      downsample: ({ data, dataTimes, trTimes }) => {
        seen.push(dataTimes);
        expect(dataTimes.length).toBe(data.rows);
        return matrix(trTimes.length, data.cols, new Float32Array(trTimes.length * data.cols).fill(1));
      },
    };
    const config = resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'speechlike' }], delays: [1] });
    await new DesignBuilder(config, asm).trainTest(
      { train: ['a'], test: ['b'] },
      { extractors: [timeExtractor()], downsampler: spy },
      createContext({}),
    );
    expect(seen).toHaveLength(2);
    expect(seen[0]![0]).toBe(4);
    expect(seen[0]![99]).toBe(53.5);
  });

  it('refuses rows without one time each, naming the extractor and story', async () => {
    const spy: Downsampler = {
      id: 'spy',
      downsample: ({ trTimes, data }) => matrix(trTimes.length, data.cols, new Float32Array(trTimes.length)),
    };
    const config = resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'speechlike' }], delays: [1] });
    await expectVoxelwiseError(
      () =>
        new DesignBuilder(config, asm).trainTest(
          { train: ['a'], test: ['b'] },
          { extractors: [timeExtractor(3)], downsampler: spy },
          createContext({}),
        ),
      'E_ALIGNMENT',
      /speechlike gave 100 time-stamped rows but 97 times for story "a"/,
    );
  });
});
