import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, fromHalfBits, toHalfBits } from '../src/index.js';

// IEEE 754-2008 binary16 reference values (numpy.float16(x).view(numpy.uint16)).
const KNOWN: Array<[number, number]> = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [0.1, 0x2e66],
  [65504, 0x7bff],
  [65520, 0x7c00], // rounds up to +Inf
  [2 ** -24, 0x0001], // smallest subnormal
  [2 ** -25, 0x0000], // tie rounds to even (0)
  [3 * 2 ** -25, 0x0002], // tie rounds to even (2)
  [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: even
  [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: even
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
];

describe('float16 weights', () => {
  it.each(KNOWN)('encodes %d as numpy does', (x, bits) => {
    expect(toHalfBits(x)).toBe(bits);
  });

  it('keeps NaN and decodes every finite pattern back to itself', () => {
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(toHalfBits(fromHalfBits(h))).toBe(h);
    }
  });

  it('rounds within half a unit in the last place (relative 2^-11) over the normal range', () => {
    const xs = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4));
    const back = decodeFloat16(encodeFloat16(xs));
    xs.forEach((x, i) => {
      if (Math.abs(x) < 2 ** -14) return;
      expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11);
    });
  });
});
