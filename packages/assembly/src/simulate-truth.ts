import { pearson } from '@voxelwise/core';
import type { EventSink } from '@voxelwise/core';
import type { Responder } from './simulate-responses.js';
import { checkAbort } from './simulate-stories.js';
import type { StoryPlan } from './simulate-stories.js';

/** The stored test response and the best test r it allows. */
export interface TestTruth {
  /** The test story's stored (repeat-mean) response, float32 nRows × V. */
  testMean: Float32Array;
  /** Pearson r of the noiseless signal and `testMean` per voxel (0 for noise voxels). */
  bestR: Float64Array;
}

/** Voxels per block when the test story is computed. */
const BLOCK = 2048;

/**
 * Phase 4 of a simulation: computes the test story once, block by block (it is kept, since it is
 * read again when written), and the best achievable test r of every planted voxel.
 */
export function testTruth(
  test: StoryPlan,
  responder: Responder,
  planted: Uint8Array,
  voxels: number,
  hooks: { emit?: EventSink; signal?: AbortSignal },
): TestTruth {
  const V = voxels;
  const testMean = new Float32Array(test.nRows * V);
  const bestR = new Float64Array(V);
  const sig = new Float64Array(test.nRows);
  const column = new Float64Array(test.nRows);
  for (let v0 = 0; v0 < V; v0 += BLOCK) {
    checkAbort(hooks.signal);
    const v1 = Math.min(V, v0 + BLOCK);
    const b = responder.meanBlock(test, v0, v1);
    const w = v1 - v0;
    for (let i = 0; i < test.nRows; i++) testMean.set(b.subarray(i * w, (i + 1) * w), i * V + v0);
    for (let v = v0; v < v1; v++) {
      if (!planted[v]) continue;
      responder.signalOf(test, v, sig);
      for (let i = 0; i < test.nRows; i++) column[i] = b[i * w + v - v0]!;
      bestR[v] = pearson(sig, column);
    }
    hooks.emit?.({
      type: 'stage:progress',
      stage: 'assembly/simulate',
      done: v1,
      total: V,
      unit: 'voxels',
      message: `${test.name} (${test.repeats} repeats)`,
    });
  }
  return { testMean, bestR };
}
