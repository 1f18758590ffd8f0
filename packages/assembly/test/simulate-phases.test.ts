import { describe, expect, it } from 'vitest';
import { createRng } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { resolveSimulateOptions } from '../src/index.js';
import { delayedZscored } from '../src/simulate-features.js';
import { createResponder } from '../src/simulate-responses.js';
import { storyNames, transcriptWords } from '../src/simulate-stories.js';
import type { StoryPlan } from '../src/simulate-stories.js';
import { plantWeights, pooledCovariance } from '../src/simulate-weights.js';

describe('simulation phases', () => {
  it('names the stories, test story last, and refuses a test story that clashes', async () => {
    expect(storyNames(resolveSimulateOptions({ stories: 3, testStory: 'wheretheressmoke' }))).toEqual([
      'story01',
      'story02',
      'wheretheressmoke',
    ]);
    await expectVoxelwiseError(
      () => storyNames(resolveSimulateOptions({ stories: 3, testStory: 'story02' })),
      'E_OPTIONS_INVALID',
      'clashes',
    );
  });

  it('keeps the words LeBel keeps: non-speech labels dropped, lower-cased copies', () => {
    const words = transcriptWords({
      end: 3,
      intervals: [
        { xmin: 0, xmax: 1, text: 'Hello', kind: 'word' },
        { xmin: 1, xmax: 1.5, text: '{LG}', kind: 'nonspeech' },
        { xmin: 1.5, xmax: 2, text: 'sp', kind: 'nonspeech' },
        { xmin: 2, xmax: 3, text: 'world', kind: 'word' },
      ],
    });
    expect(words.text).toEqual(['Hello', 'world']);
    expect(words.lower).toEqual(['hello', 'world']);
    expect(Array.from(words.onset)).toEqual([0, 2]);
  });

  it('z-scores, then delays with zero fill (delay-major columns)', () => {
    const X = delayedZscored({ rows: 3, cols: 1, data: Float64Array.of(1, 2, 3) }, [1, 2]);
    const s = Math.sqrt(1.5); // (1 − 2) / sd, sd = √(2/3) (ddof 0)
    const want = [0, 0, -s, 0, 0, -s];
    expect(X.length).toBe(6);
    want.forEach((v, i) => expect(X[i]).toBeCloseTo(v, 14));
  });

  it('plants weights that give each planted voxel its SNR, and responses that do not depend on the voxel block', () => {
    const o = resolveSimulateOptions({ seed: 2, voxels: 20, plantedFraction: 0.5 });
    const rows = 400;
    const rng = createRng(9);
    const raw = Float64Array.from({ length: rows * 2 }, () => rng.normal());
    const X = delayedZscored({ rows, cols: 2, data: raw }, [1, 2, 3, 4]);
    const plan: StoryPlan = {
      name: 's',
      words: { text: [] },
      trTimes: new Float64Array(rows),
      X,
      nRows: rows - 10,
      repeats: 1,
    } as unknown as StoryPlan;
    const p = 8;
    const cov = pooledCovariance([plan], p, 10);
    const model = plantWeights(o, createRng(o.seed), cov, 2, 4);
    expect(model.planted.reduce((a, b) => a + b, 0)).toBe(10);
    const responder = createResponder(model, createRng(o.seed), { p, voxels: 20, ar1: o.ar1, start: 10 });
    const sig = new Float64Array(plan.nRows);
    for (let v = 0; v < 20; v++) {
      if (!model.planted[v]) {
        expect(model.snr[v]).toBe(0);
        continue;
      }
      responder.signalOf(plan, v, sig);
      let m = 0;
      for (const x of sig) m += x / sig.length;
      let ss = 0;
      for (const x of sig) ss += (x - m) ** 2;
      expect(Math.sqrt(ss / sig.length) / model.noiseSd[v]!).toBeCloseTo(model.snr[v]!, 8);
    }
    const whole = responder.meanBlock(plan, 0, 20);
    const part = responder.meanBlock(plan, 5, 9);
    for (let i = 0; i < plan.nRows; i++) for (let j = 0; j < 4; j++) expect(part[i * 4 + j]).toBe(whole[i * 20 + 5 + j]);
  });
});
