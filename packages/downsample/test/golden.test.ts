import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '@voxelwise/core';
import type { DType } from '@voxelwise/core';
import { downsample, lanczosDownsample, makeDelayed, zscore } from '../src/index.js';
import type { BuiltinDownsampler } from '../src/index.js';
import { expectClose, fixture, rowsAs } from './helpers.js';

// Known answers from running LITcoder (GT-LIT-Lab/litcoder_core encoding/downsample,
// encoding/features/FIR_expander.py, encoding/utils.py) as is in float64: test/fixtures/golden.json,
// which carries their citation.
interface Golden {
  downsample: {
    input: { data: number[][]; data_times: number[]; tr_times: number[] };
    cases: { method: string; params: Record<string, unknown>; out: number[][] }[];
    gabor: { params: { freqs: number[]; sigma: number }; out: number[][] };
  };
  fir: { x: number[][]; delays: number[]; circpad: boolean; out: number[][] }[];
  zscore: { x: number[][]; out: number[][] };
}
const golden = fixture<Golden>('golden.json');
const { input } = golden.downsample;

/** LITcoder method and snake_case params → voxelwise stage name, camelCase options, split indices. */
function translate(method: string, params: Record<string, unknown>) {
  const name = method.replace('_', '-') as BuiltinDownsampler;
  const options: Record<string, unknown> = {};
  let splitIndices: number[] | undefined;
  for (const [k, v] of Object.entries(params)) {
    if (k === 'split_indices' || k === 'tr_labels') splitIndices = v as number[];
    else options[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  }
  return { name, options, splitIndices };
}

const TOL: Record<DType, number> = { float64: 1e-9, float32: 1e-5 };

describe.each(['float64', 'float32'] as const)('golden.json downsample cases (%s)', (dtype) => {
  it.each(golden.downsample.cases.map((c) => [`${c.method} ${JSON.stringify(c.params)}`, c] as const))('%s', (_label, c) => {
    const { name, options, splitIndices } = translate(c.method, c.params);
    const base = {
      data: rowsAs(input.data, dtype),
      dataTimes: Float64Array.from(input.data_times),
      trTimes: Float64Array.from(input.tr_times),
    };
    const out = downsample(splitIndices ? { ...base, splitIndices } : base, { name, options } as never);
    expect(out.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
    expectClose(out, c.out, TOL[dtype], 0, `${c.method}`);
  });

  it('gabor (freqs [0.1, 0.25], sigma 1) on features [x, 2x], feature-major columns', () => {
    const g = golden.downsample.gabor;
    const data = rowsAs(
      input.data.map((r) => [r[0]!, 2 * r[0]!]),
      dtype,
    );
    const out = downsample(
      { data, dataTimes: Float64Array.from(input.data_times), trTimes: Float64Array.from(input.tr_times) },
      { name: 'gabor', options: g.params },
    );
    expectClose(out, g.out, TOL[dtype], 0, 'gabor');
  });
});

describe('golden.json lanczos density check', () => {
  it('a column of ones, words every 0.4 s, TR 2 s, window 3: interior TRs ≈ 4.98528691', () => {
    const n = 150;
    const dataTimes = new Float64Array(n).map((_, j) => 0.2 + 0.4 * j);
    const trTimes = new Float64Array(30).map((_, i) => 1 + 2 * i);
    const out = lanczosDownsample(
      { data: fromRows(Array.from({ length: n }, () => [1])), dataTimes, trTimes },
      { window: 3, cutoffMult: 1 },
    );
    for (let i = 4; i < 26; i++) expect(out.data[i]).toBeCloseTo(4.98528691, 8);
  });
});

describe('golden.json FIR delays', () => {
  it.each(golden.fir.map((c) => [`${JSON.stringify(c.delays)} circpad=${c.circpad}`, c] as const))('make_delayed %s', (_label, c) => {
    expect(toRows(makeDelayed(fromRows(c.x), c.delays, c.circpad))).toEqual(c.out);
    const f32 = makeDelayed(fromRows(c.x, 'float32'), c.delays, { circpad: c.circpad });
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(toRows(f32)).toEqual(c.out);
  });
});

describe('golden.json z-score', () => {
  it('ddof 0, constant column stays 0', () => {
    expectClose(zscore(fromRows(golden.zscore.x)), golden.zscore.out, 1e-12, 1e-15, 'zscore');
    expectClose(zscore(fromRows(golden.zscore.x, 'float32')), golden.zscore.out, 1e-6, 1e-7, 'zscore float32 input');
  });
});
