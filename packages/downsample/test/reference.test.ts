import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '@voxelwise/core';
import { downsample, makeDelayed, meanTR, numpySum, zscore } from '../src/index.js';
import type { BuiltinDownsampler } from '../src/index.js';
import { expectClose, fixture, maxAbs, rowsAs } from './helpers.js';

// Randomised known answers from tools/reference/downsample_reference.py (dense numpy formulation,
// itself checked against the LITcoder known answers in test/fixtures/golden.json): words on TR centres, window edges and
// kernel cut-offs, an irregular TR grid, shuffled word order, non-integer windows.
interface Reference {
  inputs: Record<string, { data: number[][]; data_times: number[]; tr_times: number[] }>;
  cases: { name: string; input: string; method: string; params: Record<string, unknown>; out: number[][] }[];
  numpy_mean: { tr_times: number[]; mean_diff: number; sum: number }[];
  fir: { x: number[][]; delays: number[]; circpad: boolean; out: number[][] }[];
  zscore: { x: number[][]; out: number[][] };
}
const ref = fixture<Reference>('reference-cases.json');

function run(c: Reference['cases'][number], dtype: 'float32' | 'float64') {
  const inp = ref.inputs[c.input]!;
  const name = c.method.replace('_', '-') as BuiltinDownsampler;
  const options: Record<string, unknown> = {};
  let splitIndices: number[] | undefined;
  for (const [k, v] of Object.entries(c.params)) {
    if (k === 'split_indices') splitIndices = v as number[];
    else options[k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = v;
  }
  const base = { data: rowsAs(inp.data, dtype), dataTimes: Float64Array.from(inp.data_times), trTimes: Float64Array.from(inp.tr_times) };
  return downsample(splitIndices ? { ...base, splitIndices } : base, { name, options } as never);
}

describe('dense numpy reference cases', () => {
  it('cover every method', () => {
    expect(new Set(ref.cases.map((c) => c.method))).toEqual(
      new Set(['lanczos', 'sinc', 'gabor', 'rect', 'average', 'sum', 'last', 'legacy_average', 'legacy_sum', 'legacy_last']),
    );
  });

  it.each(ref.cases.map((c) => [c.name, c] as const))('float64: %s', (_name, c) => {
    // 1e-9 relative, with an absolute floor far below it for entries that cancel to ~0
    expectClose(run(c, 'float64'), c.out, 1e-9, 1e-13 * maxAbs(c.out), c.name);
  });

  it.each(ref.cases.map((c) => [c.name, c] as const))('float32: %s', (_name, c) => {
    // float32 features: inputs are rounded to float32 first, so compare at 1e-5 of the scale
    expectClose(run(c, 'float32'), c.out, 1e-5, 1e-5 * maxAbs(c.out), c.name);
  });
});

describe('numpy-exact TR', () => {
  it.each(ref.numpy_mean.map((c) => [c.tr_times.length, c] as const))('mean(diff(tr_times)) and sum bit for bit, %i TRs', (_n, c) => {
    expect(meanTR(Float64Array.from(c.tr_times))).toBe(c.mean_diff);
    expect(numpySum(Float64Array.from(c.tr_times))).toBe(c.sum);
  });
});

describe('FIR against the dense reference', () => {
  it.each(ref.fir.map((c) => [`${JSON.stringify(c.delays)} circpad=${c.circpad}`, c] as const))('%s', (_label, c) => {
    expect(toRows(makeDelayed(fromRows(c.x), c.delays, c.circpad))).toEqual(c.out);
  });
});

describe('z-score against numpy', () => {
  it('matches (x − mean) / std with ddof 0', () => {
    expectClose(zscore(fromRows(ref.zscore.x)), ref.zscore.out, 1e-12, 1e-14, 'zscore');
  });
});
