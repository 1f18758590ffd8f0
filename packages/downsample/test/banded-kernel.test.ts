import { readFileSync } from 'node:fs';
import { createRng, isVoxelwiseError, matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import wabtInit from 'wabt';
import { afterEach, describe, expect, it } from 'vitest';
import { gaborDownsample, lanczosDownsample, sincDownsample } from '../src/index.js';
import { planBand } from '../src/band.js';
import { bandedProduct } from '../src/banded.js';
import { BANDED_KERNEL_SHARED_WASM, BANDED_KERNEL_WASM } from '../src/banded-kernel-bytes.js';
import { SHARED_MAX_PAGES, pairKernel, sharedKernel, useScalarKernel } from '../src/banded-kernel.js';

afterEach(() => useScalarKernel(false));

describe('banded kernel bytes', () => {
  const assemble = async (source: string, threads: boolean): Promise<string> => {
    const wabt = await wabtInit();
    const features = { simd: true, bulk_memory: true, threads };
    const module = wabt.parseWat('banded-kernel.wat', source, features);
    // wabt's types omit validate's features; without them a shared memory is refused.
    (module as unknown as { validate(options: object): void }).validate(features);
    const base64 = Buffer.from(module.toBinary({ write_debug_names: false }).buffer).toString('base64');
    module.destroy();
    return base64;
  };
  const source = readFileSync(new URL('../src/banded-kernel.wat', import.meta.url), 'utf8');

  it('are banded-kernel.wat assembled', async () => {
    const base64 = await assemble(source, false);
    // After editing the WAT, paste this into src/banded-kernel-bytes.ts.
    expect(BANDED_KERNEL_WASM, `assembled: ${base64}`).toBe(base64);
  });

  it('of the shared-memory module are the same WAT with its memory imported as shared', async () => {
    const line = '(memory (export "memory") 1)';
    expect(source).toContain(line);
    const base64 = await assemble(source.replace(line, `(import "env" "memory" (memory 1 ${SHARED_MAX_PAGES} shared))`), true);
    expect(BANDED_KERNEL_SHARED_WASM, `assembled: ${base64}`).toBe(base64);
  });

  it('run as WebAssembly SIMD on Node, on a shared memory too', () => {
    expect(pairKernel().kind).toBe('simd');
    expect(sharedKernel()?.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
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

/** Both kernels' results, element for element. */
function bothKernels(run: () => Matrix): [Matrix, Matrix] {
  useScalarKernel(true);
  const scalar = run();
  useScalarKernel(false);
  return [scalar, run()];
}

const identical = (a: Matrix, b: Matrix): boolean => a.data.length === b.data.length && a.data.every((v, k) => Object.is(v, b.data[k]));

describe.each([
  { seed: 1, n: 61, m: 9, d: 7, f64: false },
  { seed: 2, n: 200, m: 30, d: 16, f64: true },
  { seed: 3, n: 5, m: 12, d: 1, f64: true },
  { seed: 4, n: 333, m: 41, d: 33, f64: false },
])('SIMD kernel = scalar kernel, bit for bit (seed $seed: $n words, $m TRs, $d features, float64 $f64)', (s) => {
  const input = story(s.seed, s.n, s.m, s.d, s.f64);
  it.each([
    ['lanczos', () => lanczosDownsample(input, { window: 3, cutoffMult: 1 })],
    ['lanczos rectify', () => lanczosDownsample(input, { window: 2.5, cutoffMult: 0.7, rectify: true })],
    ['sinc causal', () => sincDownsample(input, { window: 3, cutoffMult: 1, causal: true })],
    ['gabor', () => gaborDownsample(input, { freqs: [0.1, 0.25, 0.4], sigma: 1.5 })],
  ] as const)('%s', (_name, run) => {
    const [scalar, simd] = bothKernels(run);
    expect(identical(scalar, simd)).toBe(true);
  });

  it('column blocks change nothing', () => {
    const plan = planBand(input.dataTimes, input.trTimes, 5, 5);
    const product = (blockBytes?: number) => {
      const out = new Float64Array(s.m * 2 * s.d);
      bandedProduct({
        data: input.data,
        where: 'test',
        rectify: true,
        plan,
        sets: 1,
        blockBytes,
        weights: (_set, i, lo, hi, w, offset) => {
          for (let p = lo; p < hi; p++) w[offset + p - lo] = Math.cos(plan.times[p]! - input.trTimes[i]!);
        },
        emit: (_set, i, acc, c0) => out.set(acc, i * 2 * s.d + c0),
      });
      return matrix(s.m, 2 * s.d, out);
    };
    const whole = product();
    const [scalar, simd] = bothKernels(() => product(8 * s.n * 3));
    expect(identical(whole, scalar)).toBe(true);
    expect(identical(whole, simd)).toBe(true);
  });
});

describe('non-finite features found while copying', () => {
  it.each([
    ['float32 NaN', false, Number.NaN],
    ['float64 Infinity', true, Number.POSITIVE_INFINITY],
  ] as const)('%s names its row and column with either kernel', (_name, f64, bad) => {
    for (const scalar of [true, false]) {
      useScalarKernel(scalar);
      const input = story(5, 40, 8, 5, f64);
      input.data.data[17 * 5 + 3] = bad;
      for (const run of [
        () => lanczosDownsample(input, { window: 3, cutoffMult: 1 }),
        () => lanczosDownsample(input, { window: 3, cutoffMult: 1, rectify: true }),
        () => gaborDownsample(input, { freqs: [0.2], sigma: 1 }),
      ]) {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(isVoxelwiseError(error, 'E_NOT_FINITE')).toBe(true);
        expect((error as Error).message).toContain('row 17, column 3');
      }
    }
  });
});

describe('the SIMD kernel finiteness check of float32 rows', () => {
  // Bit patterns: NaN, a NaN with its sign set, ±Infinity; and the finite extremes next to them.
  const bad = [0x7fc00000, 0xffc00001, 0x7f800000, 0xff800000];
  const good = [0x7f7fffff, 0xff7fffff, 0x80000000, 0x00000001, 0x80000001, 0x3f800000];
  const load = (bits: Uint32Array): string | undefined => {
    const x = new Float32Array(bits.buffer);
    const order = Int32Array.from({ length: x.length }, (_, i) => i);
    // One row of `x.length` columns, so that both the 16-value steps and the tail are reached.
    return pairKernel().load(x, x.length, order.subarray(0, 1), 0, x.length, false, 0, 0, 1);
  };

  it('flags one NaN or ±Infinity at every position of rows of 1 to 40 values', () => {
    expect(pairKernel().kind).toBe('simd');
    for (let n = 1; n <= 40; n++) {
      for (let at = 0; at < n; at++) {
        for (const b of bad) {
          const bits = new Uint32Array(n).map((_, i) => good[i % good.length]!);
          bits[at] = b;
          expect(load(bits), `n ${n}, at ${at}, bits ${b.toString(16)}`).toBeUndefined();
        }
      }
      const finite = new Uint32Array(n).map((_, i) => good[(i + n) % good.length]!);
      expect(load(finite), `n ${n}, finite`).toBe('float32');
    }
  });
});
