import { describe, expect, it } from 'vitest';
import { matrix } from '@voxelwise/core';
import { downsample } from '../src/index.js';
import type { BuiltinDownsampler } from '../src/index.js';
import { randomInput } from './helpers.js';

// A constant signal of words stays constant under every normalised method: each TR that sees
// at least one word (non-zero weight) gets exactly that constant; TRs without words get 0.
const NORMALISED: { name: BuiltinDownsampler; options: Record<string, unknown> }[] = [
  { name: 'rect', options: {} },
  { name: 'average', options: {} },
  { name: 'last', options: {} },
  { name: 'legacy-average', options: {} },
  { name: 'legacy-last', options: {} },
  { name: 'sinc', options: { window: 1, cutoffMult: 1 } },
  { name: 'sinc', options: { window: 3, cutoffMult: 0.8, causal: true } },
];

describe.each(NORMALISED)('constant signal under $name $options', ({ name, options }) => {
  it.each([
    [1, 2.5],
    [2, -0.125],
    [3, 1e6],
  ])('seed %i, value %d', (seed, value) => {
    const { dataTimes, trTimes } = randomInput(seed, 70, 40, 1, { unsorted: seed === 2, irregular: seed === 3 });
    const data = matrix(
      70,
      2,
      new Float64Array(140).map((_, k) => (k % 2 ? value : -value)),
    );
    const out = downsample({ data, dataTimes, trTimes }, { name, options } as never);
    let nonEmpty = 0;
    for (let i = 0; i < out.rows; i++) {
      const a = out.data[2 * i]!;
      const b = out.data[2 * i + 1]!;
      if (a === 0 && b === 0) continue;
      nonEmpty++;
      expect(a / -value).toBeCloseTo(1, 12);
      expect(b / value).toBeCloseTo(1, 12);
    }
    expect(nonEmpty).toBeGreaterThan(20);
  });
});

describe('methods that are not normalised scale with word density, as in the reference', () => {
  it('sum is count × value, lanczos about (words per TR) / cutoffMult', () => {
    const n = 150;
    const dataTimes = new Float64Array(n).map((_, j) => 0.2 + 0.4 * j);
    const trTimes = new Float64Array(30).map((_, i) => 1 + 2 * i);
    const data = matrix(n, 1, new Float64Array(n).fill(1));
    const sum = downsample({ data, dataTimes, trTimes }, { name: 'sum' });
    const lanczos = downsample({ data, dataTimes, trTimes }, { name: 'lanczos', options: { window: 3, cutoffMult: 0.5 } });
    for (let i = 5; i < 25; i++) {
      expect(sum.data[i]).toBe(5);
      expect(lanczos.data[i]! / 10).toBeCloseTo(1, 2);
    }
  });
});
