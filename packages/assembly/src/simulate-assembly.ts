import { resolveVoxelRange, voxelwiseError, wordMidpoints } from '@voxelwise/core';
import type { ResponseBlock, ResponseTrim, Story } from '@voxelwise/core';
import type { Responder } from './simulate-responses.js';
import type { StoryPlan } from './simulate-stories.js';

const WHERE = 'assembly:simulate';

/** What {@link simulatedStory} reads responses from. */
export interface SimulatedStoryContext {
  responder: Responder;
  voxels: number;
  trim: ResponseTrim;
  respdict: Readonly<Record<string, number>>;
  /** The test story's plan and its precomputed response (nRows × V). */
  test: StoryPlan;
  testMean: Float32Array;
}

/**
 * Phase 5 of a simulation: the {@link Story} of a plan, whose responses are computed on demand
 * for the requested voxel range (the test story's come from the precomputed mean); a story heard
 * several times also gives each repeat.
 */
export function simulatedStory(s: StoryPlan, ctx: SimulatedStoryContext): Story {
  const { responder, voxels: V, trim, respdict, test, testMean } = ctx;
  const range = (r: { voxelStart?: number; voxelEnd?: number } = {}): [number, number] => resolveVoxelRange(r, V, s.name, WHERE);
  const story: Story = {
    name: s.name,
    words: s.words,
    wordTimes: wordMidpoints(s.words),
    trTimes: s.trTimes,
    trim,
    nResponseRows: s.nRows,
    nVoxels: V,
    metadata: { simulated: true, respdictTRs: respdict[s.name] },
    async responses(r): Promise<ResponseBlock> {
      const [v0, v1] = range(r);
      const w = v1 - v0;
      if (s === test) {
        const data = new Float32Array(s.nRows * w);
        for (let i = 0; i < s.nRows; i++) data.set(testMean.subarray(i * V + v0, i * V + v1), i * w);
        return { rows: s.nRows, cols: w, data, voxelStart: v0 };
      }
      return { rows: s.nRows, cols: w, data: responder.meanBlock(s, v0, v1), voxelStart: v0 };
    },
  };
  if (s.repeats === 1) return story;
  return {
    ...story,
    nRepeats: s.repeats,
    async repeatResponses(repeat, r): Promise<ResponseBlock> {
      if (!Number.isInteger(repeat) || repeat < 0 || repeat >= s.repeats) {
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: WHERE,
          message: `story "${s.name}" has repeats 0–${s.repeats - 1}`,
          got: repeat,
        });
      }
      const [v0, v1] = range(r);
      return { rows: s.nRows, cols: v1 - v0, data: responder.repeatBlock(s, repeat, v0, v1), voxelStart: v0 };
    },
  };
}
