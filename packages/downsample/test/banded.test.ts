import { describe, expect, it } from 'vitest';
import { matrix } from '@voxelwise/core';
import { gaborDownsample, lanczosDownsample, lanczosKernel, rectDownsample, sincDownsample, sincKernel } from '../src/index.js';
import { denseGabor, denseLanczos, denseRect, denseSinc } from './dense.js';
import { expectClose, maxAbs, randomInput } from './helpers.js';

// Banding must not change the numbers: every banded method against its dense (TRs × words)
// formulation on random stories with odd TR counts, column counts that are not multiples of 4,
// words outside the grid, on TR centres and window edges, shuffled word order, irregular grids.
const SHAPES = [
  { seed: 1, n: 1, m: 2, d: 1 },
  { seed: 2, n: 7, m: 3, d: 2 },
  { seed: 3, n: 120, m: 31, d: 5, unsorted: true },
  { seed: 4, n: 200, m: 40, d: 9, irregular: true },
  { seed: 5, n: 333, m: 51, d: 13, irregular: true, unsorted: true },
  { seed: 6, n: 90, m: 60, d: 3, tr: 1.5 },
];

describe.each(SHAPES)('banded = dense (seed $seed: $n words, $m TRs, $d features)', (shape) => {
  const input = randomInput(shape.seed, shape.n, shape.m, shape.d, shape);
  const { data, dataTimes, trTimes } = input;

  it.each([
    [3, 1],
    [2, 0.5],
    [2.5, 1.3],
    [1, 4],
  ])('lanczos window %d cutoffMult %d', (window, cutoffMult) => {
    const want = denseLanczos(data, dataTimes, trTimes, window, cutoffMult);
    expectClose(lanczosDownsample(input, { window, cutoffMult }), want, 1e-12, 1e-14 * maxAbs(want));
  });

  it('lanczos rectify = [W·min(x,0) | W·max(x,0)]', () => {
    const neg = matrix(
      data.rows,
      data.cols,
      data.data.map((v) => Math.min(v, 0)),
    );
    const pos = matrix(
      data.rows,
      data.cols,
      data.data.map((v) => Math.max(v, 0)),
    );
    const a = denseLanczos(neg, dataTimes, trTimes, 3, 1);
    const b = denseLanczos(pos, dataTimes, trTimes, 3, 1);
    const out = lanczosDownsample(input, { window: 3, cutoffMult: 1, rectify: true });
    expect(out.cols).toBe(2 * data.cols);
    const d = data.cols;
    const want = matrix(
      trTimes.length,
      2 * d,
      new Float64Array(trTimes.length * 2 * d).map((_, k) => {
        const i = Math.floor(k / (2 * d));
        const c = k % (2 * d);
        return c < d ? a.data[i * d + c]! : b.data[i * d + c - d]!;
      }),
    );
    expectClose(out, want, 1e-12, 1e-14 * maxAbs(want));
  });

  it.each([
    [1, 1, false, true],
    [3, 1, true, true],
    [1.5, 1, false, false],
    [2, 0.7, true, false],
    [4, 0.5, false, true],
  ])('sinc window %d cutoffMult %d causal %s renorm %s', (window, cutoffMult, causal, renorm) => {
    const want = denseSinc(data, dataTimes, trTimes, window, cutoffMult, causal, renorm);
    expectClose(sincDownsample(input, { window, cutoffMult, causal, renorm }), want, 1e-12, 1e-13 * Math.max(maxAbs(want), 1));
  });

  it.each([
    [[0.1, 0.25], 1],
    [[0.05], 2.5],
    [[0, -0.3, 0.4], 0.6],
  ])('gabor freqs %j sigma %d', (freqs, sigma) => {
    const want = denseGabor(data, dataTimes, trTimes, freqs, sigma);
    expectClose(gaborDownsample(input, { freqs, sigma }), want, 1e-11, 1e-13 * maxAbs(want));
  });

  it('rect', () => {
    expectClose(rectDownsample(input), denseRect(data, dataTimes, trTimes), 1e-13, 1e-15);
  });
});

describe('kernels', () => {
  it('lanczos: 1 at 0, 0 beyond the window, symmetric, zero crossings at integers', () => {
    expect(lanczosKernel(0, 3)).toBe(1);
    expect(lanczosKernel(3.0000001, 3)).toBe(0);
    expect(lanczosKernel(-7, 3)).toBe(0);
    expect(lanczosKernel(1e-300, 3)).toBe(1);
    expect(lanczosKernel(0.7, 3)).toBe(lanczosKernel(-0.7, 3));
    expect(Math.abs(lanczosKernel(1, 3))).toBeLessThan(1e-15);
    expect(lanczosKernel(0.5, 2)).toBeCloseTo((2 * Math.sin(Math.PI / 2) * Math.sin(Math.PI / 4)) / ((Math.PI * Math.PI) / 4), 15);
  });

  it('sinc: 0 at τ = 0 (LITcoder +1e-20 quirk), 2B·sinc elsewhere', () => {
    expect(sincKernel(0, 0.5)).toBe(0);
    expect(sincKernel(0.25, 0.5)).toBeCloseTo((2 * 0.5 * Math.sin(Math.PI * 0.25)) / (Math.PI * 0.25), 14);
  });

  it('float32 features take the float32 path and agree with float64 to 1e-6', () => {
    const f64 = randomInput(9, 150, 30, 6);
    const f32 = { ...f64, data: matrix(f64.data.rows, f64.data.cols, Float32Array.from(f64.data.data)) };
    const base = { ...f64, data: matrix(f64.data.rows, f64.data.cols, Float64Array.from(f32.data.data)) };
    const a = lanczosDownsample(f32, { window: 3, cutoffMult: 1 });
    expect(a.data).toBeInstanceOf(Float32Array);
    const b = lanczosDownsample(base, { window: 3, cutoffMult: 1 });
    expectClose(a, b, 1e-6, 1e-7 * maxAbs(b));
  });
});

describe('gabor band', () => {
  it('keeps every TR exact to rounding of its own terms, across long silences', () => {
    // Two bursts of speech 60 s apart: TRs in the silence see only far, tiny-weight words, which
    // a band cut relative to each TR's nearest word must still keep. The error is measured
    // against S = Σ w·|x| of the TR's own terms, the scale float64 rounding of that sum has.
    const times: number[] = [];
    for (let t = 0; t < 40; t += 0.23) times.push(t);
    for (let t = 100; t < 140; t += 0.31) times.push(t);
    const d = 3;
    const data = matrix(
      times.length,
      d,
      Float64Array.from({ length: times.length * d }, (_, k) => Math.sin(k * 1.7) + 0.3 * Math.cos(k * 0.37)),
    );
    const magnitudes = matrix(times.length, d, data.data.map(Math.abs));
    const trTimes = Float64Array.from({ length: 80 }, (_, i) => 1 + 2 * i);
    const input = { data, dataTimes: Float64Array.from(times), trTimes };
    const freqs = [0.1, 0.37];
    let silentTRs = 0;
    for (const sigma of [0.5, 1, 3]) {
      const want = denseGabor(data, input.dataTimes, trTimes, freqs, sigma);
      const scale = denseGabor(magnitudes, input.dataTimes, trTimes, [0], sigma);
      const got = gaborDownsample(input, { freqs, sigma });
      for (let i = 0; i < trTimes.length; i++) {
        for (let k = 0; k < d; k++) {
          const S = scale.data[i * d + k]!;
          if (S > 0 && S < 1e-30) silentTRs++;
          for (let l = 0; l < freqs.length; l++) {
            const c = i * d * freqs.length + k * freqs.length + l;
            expect(Math.abs(got.data[c]! - want.data[c]!)).toBeLessThanOrEqual(1e-13 * S + 1e-320);
          }
        }
      }
    }
    // The silence really is tested (σ = 1): some TRs sit where every weight is tiny but not zero.
    expect(silentTRs).toBeGreaterThan(0);
  });
});
