import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ccNorm, explainableVariance, fromRows, noiseCeiling, normalisedCorrelation, pearson } from '../src/index.js';
import type { Matrix } from '../src/index.js';
import { expectCode } from './expect-code.js';

/** Written by tools/reference/noise_ceiling.py (voxelwise_tutorials and OSchoppe/CCnorm transcribed in numpy). */
interface Fixture {
  shape: [number, number, number];
  repeats: number[][][];
  prediction: number[][];
  ev_zscore_corrected: number[];
  ev_zscore_uncorrected: number[];
  ev_raw_corrected: number[];
  ev_raw_uncorrected: number[];
  signal_power_raw: number[];
  cc_max_raw: number[];
  cc_norm_raw: Array<number | null>;
  signal_power_zscore: number[];
  cc_max_zscore: number[];
  cc_norm_zscore: Array<number | null>;
}

const fx = JSON.parse(readFileSync(new URL('./fixtures/noise-ceiling.json', import.meta.url), 'utf8')) as Fixture;
const repeats: Matrix[] = fx.repeats.map((r) => fromRows(r));
const prediction = fromRows(fx.prediction);

function expectClose(actual: ArrayLike<number>, expected: ReadonlyArray<number | null>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    const e = expected[j];
    if (e === null || e === undefined) expect(actual[j]).toBeNaN();
    else expect(Math.abs(actual[j]! - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  }
}

describe('explainableVariance', () => {
  it('equals voxelwise_tutorials explainable_variance with and without bias correction and z-scoring', () => {
    expectClose(explainableVariance(repeats), fx.ev_zscore_corrected);
    expectClose(explainableVariance(repeats, { biasCorrection: false }), fx.ev_zscore_uncorrected);
    expectClose(explainableVariance(repeats, { zscore: false }), fx.ev_raw_corrected);
    expectClose(explainableVariance(repeats, { zscore: false, biasCorrection: false }), fx.ev_raw_uncorrected);
  });

  it('is 1 for identical repeats and NaN for a constant voxel when z-scoring (as the reference)', () => {
    const a = fromRows([
      [1, 3],
      [2, 3],
      [4, 3],
    ]);
    const ev = explainableVariance([a, a, a]);
    expect(ev[0]).toBeCloseTo(1, 14);
    expect(ev[1]).toBeNaN();
  });

  it('refuses a single repeat and repeats of different shapes', () => {
    expectCode(() => explainableVariance([repeats[0]!]), 'E_DATA_INVALID');
    expectCode(() => explainableVariance([repeats[0]!, fromRows([[1, 2, 3, 4, 5, 6]])]), 'E_SHAPE_MISMATCH');
  });
});

describe('noiseCeiling and ccNorm', () => {
  it('equal calc_CCnorm.m (signal power, CCmax, CCnorm) on raw and z-scored repeats', () => {
    const raw = noiseCeiling(repeats, { zscore: false });
    expectClose(raw.signalPower, fx.signal_power_raw);
    expectClose(raw.ccMax, fx.cc_max_raw);
    expectClose(ccNorm(raw, prediction), fx.cc_norm_raw);
    const z = noiseCeiling(repeats);
    expectClose(z.signalPower, fx.signal_power_zscore);
    expectClose(z.ccMax, fx.cc_max_zscore);
    expectClose(ccNorm(z, prediction), fx.cc_norm_zscore);
    expectClose(z.evCorrected, fx.ev_zscore_corrected);
  });

  it('CCnorm equals r against the repeat mean divided by CCmax', () => {
    const nc = noiseCeiling(repeats, { zscore: false });
    const [, rows, cols] = fx.shape;
    const r = Float64Array.from({ length: cols }, (_, j) =>
      pearson(
        Array.from({ length: rows }, (_, i) => nc.mean.data[i * cols + j]!),
        Array.from({ length: rows }, (_, i) => prediction.data[i * cols + j]!),
      ),
    );
    const normalised = normalisedCorrelation(r, nc.ccMax);
    const cc = ccNorm(nc, prediction);
    for (let j = 0; j < cols; j++) {
      if (nc.ccMax[j]! > 0) expect(normalised[j]).toBeCloseTo(cc[j]!, 12);
      else expect(normalised[j]).toBeNaN();
    }
  });

  it('refuses a prediction of another shape', () => {
    expectCode(() => ccNorm(noiseCeiling(repeats), fromRows([[1]])), 'E_SHAPE_MISMATCH');
    expectCode(() => normalisedCorrelation([1, 2], [1]), 'E_SHAPE_MISMATCH');
  });
});
