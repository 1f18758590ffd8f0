import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromRows, pearson } from '@voxelwise/core';
import type { Story } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { isLebelNonWord, lanczosResample, simulateSubject } from '../src/index.js';
import { expectBitEqual } from './helpers.js';

const golden = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'golden-lanczos.json'), 'utf8')) as {
  input: { data: number[][]; data_times: number[]; tr_times: number[] };
  cases: Array<{ params: { window: number; cutoff_mult: number }; out: number[][] }>;
};

describe('built-in Lanczos (simulator fallback)', () => {
  it('matches the Huth/LITcoder golden values', () => {
    // fixtures/golden-lanczos.json: Huth deep-fMRI-dataset ridge_utils/interpdata.py `lanczosinterp2D`
    // (= LITcoder encoding/downsample/interpdata.py) run as is in float64.
    const input = {
      data: fromRows(golden.input.data),
      dataTimes: Float64Array.from(golden.input.data_times),
      trTimes: Float64Array.from(golden.input.tr_times),
    };
    for (const c of golden.cases) {
      const out = lanczosResample(input, c.params.window, c.params.cutoff_mult);
      c.out.forEach((row, i) => expect(out.data[i]).toBeCloseTo(row[0]!, 12));
    }
  });

  it('gives the reference density check: ones every 0.4 s → 4.98528691 per 2 s TR (lanczosinterp2D run as is)', () => {
    const n = 200;
    const out = lanczosResample({
      data: { rows: n, cols: 1, data: new Float64Array(n).fill(1) },
      dataTimes: Float64Array.from({ length: n }, (_, j) => 0.4 * j),
      trTimes: Float64Array.from({ length: 40 }, (_, k) => 2 * k),
    });
    expect(out.data[20]).toBeCloseTo(4.98528691, 8);
  });
});

describe('simulateSubject', () => {
  it('is deterministic for a seed, and different for another', async () => {
    const a = await simulateSubject({ seed: 3, stories: 2, duration: 60, voxels: 5 });
    const b = await simulateSubject({ seed: 3, stories: 2, duration: 60, voxels: 5 });
    const c = await simulateSubject({ seed: 4, stories: 2, duration: 60, voxels: 5 });
    const sa = await a.assembly.story('story01');
    expect(sa.words.text).toEqual((await b.assembly.story('story01')).words.text);
    expectBitEqual((await sa.responses()).data, (await (await b.assembly.story('story01')).responses()).data);
    expect(sa.words.text).not.toEqual((await c.assembly.story('story01')).words.text);
  });

  it('writes realistic transcripts: 2–3 words/s, pauses, non-speech labels, capitals, no punctuation', async () => {
    const sim = await simulateSubject({ seed: 8, stories: 3, duration: 200, voxels: 2 });
    for (const name of sim.assembly.storyNames) {
      const s = await sim.assembly.story(name);
      const tr = sim.transcripts.get(name)!;
      const rate = s.words.text.length / tr.end;
      expect(rate).toBeGreaterThan(2);
      expect(rate).toBeLessThan(3);
      expect(tr.end).toBeGreaterThan(170);
      const labels = tr.intervals.filter((iv) => isLebelNonWord(iv.text)).map((iv) => iv.text);
      expect(new Set(labels).size).toBeGreaterThan(4);
      expect(labels).toContain('sp');
      expect(s.words.text.some((w) => /^[A-Z]/.test(w))).toBe(true);
      expect(s.words.text.every((w) => /^[\p{L}]*$/u.test(w))).toBe(true);
      // Contiguous tier, words in order, TR grid covering the story with the LeBel layout.
      tr.intervals.forEach((iv, i) => i > 0 && expect(iv.xmin).toBe(tr.intervals[i - 1]!.xmax));
      expect(s.trTimes[0]).toBe(-9);
      expect(s.trim).toEqual({ start: 10, end: 5 });
      expect(s.nResponseRows).toBe(sim.respdict[name]! - 20);
      expect(s.trTimes.at(-1)!).toBeGreaterThan(tr.end + 18);
    }
  });

  it('plants signal in the chosen fraction of voxels with SNR in range; the rest is noise', async () => {
    const sim = await simulateSubject({ seed: 1, stories: 3, duration: 120, voxels: 60, plantedFraction: 0.25, snrMin: 0.5, snrMax: 5 });
    const { planted, snr, bestR, weights } = sim.truth;
    expect(planted.reduce((t, x) => t + x, 0)).toBe(15);
    for (let v = 0; v < 60; v++) {
      if (planted[v]) {
        expect(snr[v]).toBeGreaterThanOrEqual(0.5);
        expect(snr[v]).toBeLessThanOrEqual(5);
        // 10 test repeats: the best r is well above the single-trial SNR bound.
        expect(bestR[v]).toBeGreaterThan(snr[v]! / Math.sqrt(1 + snr[v]! ** 2) - 0.1);
      } else {
        expect([snr[v], bestR[v]]).toEqual([0, 0]);
        for (let a = 0; a < weights.rows; a++) expect(weights.data[a * 60 + v]).toBe(0);
      }
    }
    expect(sim.assembly.metadata['groundTruth']).toMatchObject({ planted: Array.from(planted), testStory: 'wheretheressmoke' });
  });

  it('gives the same voxel values whatever block is read, and the test response is the mean of its repeats', async () => {
    const sim = await simulateSubject({ seed: 6, stories: 2, duration: 40, voxels: 11, testRepeats: 4 });
    for (const name of sim.assembly.storyNames) {
      const s = await sim.assembly.story(name);
      const all = await s.responses();
      const part = await s.responses({ voxelStart: 4, voxelEnd: 9 });
      for (let i = 0; i < all.rows; i++) expectBitEqual(part.data.subarray(i * 5, i * 5 + 5), all.data.subarray(i * 11 + 4, i * 11 + 9));
    }
    const t = await sim.assembly.story('wheretheressmoke');
    expect(t.nRepeats).toBe(4);
    const reps = await Promise.all([0, 1, 2, 3].map((r) => t.repeatResponses!(r)));
    const mean = (await t.responses()).data;
    for (let k = 0; k < mean.length; k++)
      expect(mean[k]).toBe(Math.fround((reps[0]!.data[k]! + reps[1]!.data[k]! + reps[2]!.data[k]! + reps[3]!.data[k]!) / 4));
    expect(pearson(reps[0]!.data, reps[1]!.data)).toBeLessThan(0.99);
  });

  it('adds AR(1) noise with the requested coefficient', async () => {
    const sim = await simulateSubject({ seed: 2, stories: 2, duration: 600, voxels: 20, plantedFraction: 0, ar1: 0.6 });
    const r = await (await sim.assembly.story('story01')).responses();
    let lag1 = 0;
    for (let v = 0; v < 20; v++) {
      const x = Array.from({ length: r.rows }, (_, i) => r.data[i * 20 + v]!);
      lag1 += pearson(x.slice(1), x.slice(0, -1)) / 20;
    }
    expect(lag1).toBeGreaterThan(0.5);
    expect(lag1).toBeLessThan(0.7);
  });

  it('plants random word embeddings; the best r follows the SNR and the test repeats', async () => {
    const sim = await simulateSubject({
      seed: 9,
      stories: 2,
      duration: 300,
      voxels: 30,
      features: 'embedding',
      embeddingDim: 3,
      snrMin: 0.5,
      snrMax: 0.5,
      testRepeats: 4,
    });
    expect(sim.truth.weights.rows).toBe(12);
    expect(sim.truth.featureColumns).toEqual(['embedding0', 'embedding1', 'embedding2']);
    // Mean of 4 repeats: noise variance / 4, so r = 1/√(1 + 1/(4·SNR²)) ≈ 0.707.
    for (let v = 0; v < 30; v++) if (sim.truth.planted[v]) expect(Math.abs(sim.truth.bestR[v]! - Math.SQRT1_2)).toBeLessThan(0.12);
  });

  it('plants any feature set through hooks, resampled by the injected resampler', async () => {
    let resampled = 0;
    const sim = await simulateSubject(
      { seed: 4, stories: 2, duration: 40, voxels: 4, plantedFraction: 1 },
      {
        features: (story: Story) => ({
          level: 'word',
          data: {
            rows: story.words.text.length,
            cols: 2,
            data: Float64Array.from({ length: story.words.text.length * 2 }, (_, k) => (k % 2 ? story.words.text[k >> 1]!.length : 1)),
          },
          columns: ['one', 'length'],
        }),
        resample: (input) => {
          resampled++;
          return lanczosResample(input, 2, 1);
        },
      },
    );
    expect(resampled).toBe(2);
    expect(sim.truth.featureColumns).toEqual(['one', 'length']);
    expect(sim.truth.planted.every((p) => p === 1)).toBe(true);
    await expectVoxelwiseError(
      () =>
        simulateSubject(
          { seed: 1 },
          {
            features: (s) => ({ level: 'tr', data: { rows: s.trTimes.length - 1, cols: 1, data: new Float64Array(s.trTimes.length - 1) } }),
          },
        ),
      'E_SHAPE_MISMATCH',
      'story "story01"',
    );
  });

  it('validates its options', async () => {
    await expectVoxelwiseError(() => simulateSubject({ stories: 1 }), 'E_OPTIONS_INVALID', 'option "stories"');
    await expectVoxelwiseError(() => simulateSubject({ snrMin: 2, snrMax: 1 }), 'E_OPTIONS_INVALID', 'snrMax must be at least snrMin');
    await expectVoxelwiseError(() => simulateSubject({ testStory: 'story01' }), 'E_OPTIONS_INVALID', 'clashes');
    await expectVoxelwiseError(() => simulateSubject({ voxel: 3 } as never), 'E_OPTIONS_INVALID', 'voxel');
  });
});
