import { createRng, isVoxelwiseError, matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gaborDownsample, lanczosDownsample, sincDownsample } from '../src/index.js';
import { planBand } from '../src/band.js';
import { bandedProduct } from '../src/banded.js';
import { useScalarKernel } from '../src/banded-kernel.js';
import { availableParallelism } from 'node:os';
import { JUDGE_MS, bandedTeam, bandedWorkerReady, bandedWorkerUnits, judgeJob, useBandedWorkers } from '../src/banded-team.js';

afterEach(() => {
  useScalarKernel(false);
  useBandedWorkers('auto');
});

/** Random words over a TR grid, some of them unsorted and some feature values exactly 0. */
function story(seed: number, n: number, m: number, d: number, f64: boolean) {
  const rng = createRng(seed);
  const trTimes = new Float64Array(m).map((_, i) => 1 + 2 * i);
  const dataTimes = new Float64Array(n).map(() => rng.next() * 2 * m);
  const values = f64 ? new Float64Array(n * d) : new Float32Array(n * d);
  for (let k = 0; k < values.length; k++) values[k] = rng.next() < 0.1 ? 0 : rng.normal();
  return { data: matrix(n, d, values), dataTimes, trTimes };
}

const identical = (a: Matrix, b: Matrix): boolean => a.data.length === b.data.length && a.data.every((v, k) => Object.is(v, b.data[k]));

type Input = ReturnType<typeof story>;
const METHODS = [
  ['lanczos', (input: Input) => lanczosDownsample(input, { window: 3, cutoffMult: 1 })],
  ['lanczos rectify', (input: Input) => lanczosDownsample(input, { window: 2.5, cutoffMult: 0.7, rectify: true })],
  ['sinc causal', (input: Input) => sincDownsample(input, { window: 3, cutoffMult: 1, causal: true })],
  ['gabor', (input: Input) => gaborDownsample(input, { freqs: [0.1, 0.25, 0.4], sigma: 1.5 })],
] as const;

/** The one-thread results with the scalar kernel: the reference every other path must match. */
function scalarResult(run: () => Matrix): Matrix {
  useScalarKernel(true);
  try {
    return run();
  } finally {
    useScalarKernel(false);
  }
}

describe.each([
  { seed: 11, n: 61, m: 9, d: 7, f64: false },
  { seed: 12, n: 400, m: 61, d: 33, f64: true },
  { seed: 13, n: 900, m: 120, d: 40, f64: false },
])('two threads give the one-thread bits (seed $seed: $n words, $m TRs, $d features, float64 $f64)', (s) => {
  const input = story(s.seed, s.n, s.m, s.d, s.f64);
  beforeAll(async () => {
    useBandedWorkers(1);
    expect(await bandedWorkerReady()).toBe(true);
  });

  it.each(METHODS)('%s: scalar, SIMD, caller alone, caller and worker', (_name, method) => {
    const reference = scalarResult(() => method(input));
    useBandedWorkers('off');
    expect(identical(method(input), reference)).toBe(true);
    useBandedWorkers(0);
    expect(identical(method(input), reference)).toBe(true);
    useBandedWorkers(1);
    expect(identical(method(input), reference)).toBe(true);
  });

  it.each(METHODS)('%s: the worker alone computes every pair', async (_name, method) => {
    const reference = scalarResult(() => method(input));
    useBandedWorkers(1, { callerClaims: false, takeoverMs: 60_000 });
    expect(await bandedWorkerReady()).toBe(true);
    const before = bandedWorkerUnits();
    expect(identical(method(input), reference)).toBe(true);
    // Every pair of every column block, computed by the worker.
    expect(bandedWorkerUnits() - before).toBeGreaterThanOrEqual(Math.ceil(s.m / 2));
  });
});

describe('column blocks with two threads', () => {
  it('change nothing', async () => {
    const input = story(21, 300, 40, 19, false);
    const plan = planBand(input.dataTimes, input.trTimes, 5, 5);
    const product = (blockBytes?: number): Matrix => {
      const out = new Float64Array(40 * 2 * 19);
      bandedProduct({
        data: input.data,
        where: 'test',
        rectify: true,
        plan,
        sets: 2,
        blockBytes,
        weights: (set, i, lo, hi, w, offset) => {
          for (let p = lo; p < hi; p++) w[offset + p - lo] = Math.cos(plan.times[p]! - input.trTimes[i]! + set);
        },
        emit: (set, i, acc, c0) => {
          if (set === 1) out.set(acc, i * 2 * 19 + c0);
        },
      });
      return matrix(40, 2 * 19, out);
    };
    useBandedWorkers('off');
    const whole = product();
    useBandedWorkers(0);
    expect(identical(product(8 * 300 * 3), whole)).toBe(true);
    useBandedWorkers(1, { callerClaims: false, takeoverMs: 60_000 });
    expect(await bandedWorkerReady()).toBe(true);
    expect(identical(product(8 * 300 * 3), whole)).toBe(true);
    // The worker dies in the first block: the caller finishes it, the later blocks run on one thread.
    useBandedWorkers(1, { fault: 'unit', takeoverMs: 20, callerClaims: false });
    expect(await bandedWorkerReady()).toBe(true);
    expect(identical(product(8 * 300 * 3), whole)).toBe(true);
  });
});

describe('a worker that fails', () => {
  const input = story(31, 700, 90, 24, false);
  const input64 = story(32, 700, 90, 24, true);

  it('to start: the caller does everything, same bits', async () => {
    const references = METHODS.map(([, method]) => scalarResult(() => method(input)));
    useBandedWorkers(1, { fault: 'start' });
    // Before its failure is known (the caller claims every pair) and after (one thread).
    METHODS.forEach(([, method], k) => expect(identical(method(input), references[k]!)).toBe(true));
    expect(await bandedWorkerReady()).toBe(false);
    METHODS.forEach(([, method], k) => expect(identical(method(input), references[k]!)).toBe(true));
  });

  it.each([
    ['float32', input],
    ['float64', input64],
  ] as const)('holding a pair (%s): the caller computes it again, same bits, then runs alone', async (_name, data) => {
    for (const [, method] of METHODS) {
      const reference = scalarResult(() => method(data));
      useBandedWorkers(1, { fault: 'unit', takeoverMs: 20, callerClaims: false });
      expect(await bandedWorkerReady()).toBe(true);
      expect(identical(method(data), reference)).toBe(true);
      // The worker is gone (or still holds its pair): later calls do not wait for it.
      expect(identical(method(data), reference)).toBe(true);
      useBandedWorkers('auto');
    }
  });
});

describe('non-finite features with two threads', () => {
  it.each([
    ['caller alone', 0],
    ['caller and worker', 1],
  ] as const)('%s: the error names row and column; the next call is right', async (_name, mode) => {
    const clean = story(41, 500, 60, 9, false);
    const reference = scalarResult(() => lanczosDownsample(clean, { window: 3, cutoffMult: 1 }));
    useBandedWorkers(mode);
    if (mode === 1) expect(await bandedWorkerReady()).toBe(true);
    const bad = story(41, 500, 60, 9, false);
    bad.data.data[317 * 9 + 4] = Number.NaN;
    let error: unknown;
    try {
      lanczosDownsample(bad, { window: 3, cutoffMult: 1 });
    } catch (e) {
      error = e;
    }
    expect(isVoxelwiseError(error, 'E_NOT_FINITE')).toBe(true);
    expect((error as Error).message).toContain('row 317, column 4');
    expect(identical(lanczosDownsample(clean, { window: 3, cutoffMult: 1 }), reference)).toBe(true);
  });
});

describe('when the worker is used (auto)', () => {
  it('for large, compute-heavy jobs on two or more cores; never with VOXELWISE_DOWNSAMPLE_WORKERS=0', async () => {
    useBandedWorkers('auto', { takeoverMs: 60_000 }); // a new worker, no backoff from earlier tests
    expect(await bandedWorkerReady()).toBe(true);
    expect(bandedTeam(2 ** 30) !== undefined).toBe(availableParallelism() >= 2);
    expect(bandedTeam(1000)).toBeUndefined();
    // Few multiply-adds per copied value (Lanczos: ≈ 7): the copy dominates, one thread.
    expect(bandedTeam(2 ** 30, 2 ** 28)).toBeUndefined();
    expect(bandedTeam(2 ** 30, 2 ** 24) !== undefined).toBe(availableParallelism() >= 2);
    process.env['VOXELWISE_DOWNSAMPLE_WORKERS'] = '0';
    try {
      expect(bandedTeam(2 ** 30)).toBeUndefined();
    } finally {
      delete process.env['VOXELWISE_DOWNSAMPLE_WORKERS'];
    }
    useBandedWorkers('off');
    expect(bandedTeam(2 ** 30)).toBeUndefined();
  });
});

describe('jobs whose threads took turns on one core', () => {
  it('send the next jobs to one thread, twice as many each time, fewer after parallel jobs', async () => {
    useBandedWorkers('auto', { takeoverMs: 60_001 }); // a new worker, no backoff from earlier tests
    expect(await bandedWorkerReady()).toBe(true);
    const team = bandedTeam(2 ** 30);
    if (!team) return; // one core: the worker is never used
    const W = JUDGE_MS;
    judgeJob(team, W, 1.1 * W); // CPU ≈ wall: the two threads shared one core
    expect(bandedTeam(2 ** 30)).toBeUndefined();
    expect(bandedTeam(2 ** 30)).toBe(team);
    judgeJob(team, W, W);
    expect([bandedTeam(2 ** 30), bandedTeam(2 ** 30), bandedTeam(2 ** 30)]).toEqual([undefined, undefined, team]);
    judgeJob(team, W, 1.9 * W); // both cores busy: the penalty halves (2 → 1 → 0)
    judgeJob(team, W, 1.9 * W);
    judgeJob(team, W, W);
    expect([bandedTeam(2 ** 30), bandedTeam(2 ** 30)]).toEqual([undefined, team]);
  });

  it('are judged together until they add up to JUDGE_MS of wall time (CPU time is accounted at ticks)', async () => {
    useBandedWorkers('auto', { takeoverMs: 60_002 }); // a new worker, no backoff from earlier tests
    expect(await bandedWorkerReady()).toBe(true);
    const team = bandedTeam(2 ** 30);
    if (!team) return;
    const short = JUDGE_MS / 4;
    // A short job read as CPU = wall (the worker's time not yet accounted) sends nothing to one thread
    // when the window as a whole ran on both cores.
    judgeJob(team, short, short);
    judgeJob(team, short, 2 * short);
    judgeJob(team, short, 2 * short);
    expect(bandedTeam(2 ** 30)).toBe(team);
    judgeJob(team, short, 2 * short); // the window is full: 7/4 of its wall time, parallel
    expect(bandedTeam(2 ** 30)).toBe(team);
    // Four short jobs that took turns on one core: judged once the window is full.
    for (let k = 0; k < 3; k++) judgeJob(team, short, 1.05 * short);
    expect(bandedTeam(2 ** 30)).toBe(team);
    judgeJob(team, short, 1.05 * short);
    expect(bandedTeam(2 ** 30)).toBeUndefined();
    expect(bandedTeam(2 ** 30)).toBe(team);
  });
});
