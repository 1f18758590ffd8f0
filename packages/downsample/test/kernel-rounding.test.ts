import { createRng, matrix } from '@voxelwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { lanczosDownsample, sincDownsample } from '../src/index.js';
import { pairKernel, useScalarKernel } from '../src/banded-kernel.js';

afterEach(() => useScalarKernel(false));

// float64 values around float32 rounding: ties to even both ways, the largest float32 and past
// it, subnormals, signed zeros.
const f32max = 3.4028234663852886e38;
const tricky = [
  1 + 2 ** -24,
  1 + 3 * 2 ** -24,
  -(1 + 2 ** -24),
  1 + 2 ** -24 + 2 ** -50,
  f32max,
  f32max * (1 + 2 ** -25),
  f32max * 2,
  -f32max * 2,
  2 ** -149,
  2 ** -150,
  3 * 2 ** -151,
  -0,
  0,
  Math.PI,
  -1e-30,
  123456.789,
];

describe('float32 results leave the kernel rounded as a Float32Array store rounds them', () => {
  for (const scalar of [false, true]) {
    it(`${scalar ? 'scalar' : 'SIMD'} kernel, every count up to ${tricky.length} (vector steps and tails)`, () => {
      useScalarKernel(scalar);
      const kernel = pairKernel();
      for (let count = 0; count <= tricky.length; count++) {
        const arena = kernel.reserve(64);
        arena.set(tricky.slice(0, count), 3);
        kernel.demote(3, 40, count);
        const got = kernel.floats().subarray(80, 80 + count);
        expect(Array.from(got)).toEqual(tricky.slice(0, count).map((v) => Math.fround(v)));
      }
    });
  }

  it('so float32 features give the bits of the float64 result stored as float32', () => {
    const rng = createRng(12);
    const n = 300;
    const d = 13;
    const trTimes = new Float64Array(40).map((_, i) => 1 + 2 * i);
    const dataTimes = new Float64Array(n).map(() => rng.next() * 80);
    const f32 = new Float32Array(n * d).map(() => rng.normal());
    const f64 = Float64Array.from(f32);
    for (const run of [
      (data: Float32Array | Float64Array) =>
        lanczosDownsample({ data: matrix(n, d, data), dataTimes, trTimes }, { window: 3, cutoffMult: 1, rectify: true }),
      (data: Float32Array | Float64Array) => sincDownsample({ data: matrix(n, d, data), dataTimes, trTimes }, { window: 3, cutoffMult: 1 }),
    ]) {
      const single = run(f32).data;
      expect(single).toBeInstanceOf(Float32Array);
      expect(Array.from(single)).toEqual(Array.from(Float32Array.from(run(f64).data)));
    }
  });
});
