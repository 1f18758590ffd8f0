import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVoxelwiseError } from '@voxelwise/core';
import { parseNpyHeader, readNpy } from '../src/index.js';

/** A .npy file (format 1.0, C order) of a rows × cols float array, as numpy.save writes it. */
function npy(rows: number, cols: number, dtype: '<f4' | '<f8' | '>f4', values: number[]): Uint8Array {
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const size = dtype.endsWith('8') ? 8 : 4;
  const out = new Uint8Array(10 + header.length + rows * cols * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, k) => (size === 8 ? view.setFloat64(8 * k, v, true) : view.setFloat32(4 * k, v, dtype.startsWith('<'))));
  return out;
}

type Damage =
  { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; bit: number } | { kind: 'garbage'; at: number; bytes: number[] };

const damage = (size: number): fc.Arbitrary<Damage> =>
  fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: size - 1 }) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: size - 1 }), bit: fc.nat({ max: 7 }) }),
    fc.record({
      kind: fc.constant('garbage' as const),
      at: fc.nat({ max: size - 1 }),
      bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 16 }),
    }),
  );

function apply(bytes: Uint8Array, d: Damage): Uint8Array {
  if (d.kind === 'truncate') return bytes.slice(0, d.at);
  const out = Uint8Array.from(bytes);
  if (d.kind === 'flip') out[d.at]! ^= 1 << d.bit;
  else for (let k = 0; k < d.bytes.length && d.at + k < out.length; k++) out[d.at + k] = d.bytes[k]!;
  return out;
}

const file = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom('<f4' as const, '<f8' as const, '>f4' as const))
  .chain(([r, c, t]) =>
    fc.tuple(fc.constant(r), fc.constant(c), fc.constant(t), fc.array(fc.float({ noNaN: true }), { minLength: r * c, maxLength: r * c })),
  );

describe('fuzzing the .npy reader', () => {
  it('reads back what numpy.save would write', () => {
    fc.assert(
      fc.property(file, ([r, c, t, values]) => {
        const m = readNpy(npy(r, c, t, values), 'x.npy');
        expect([m.rows, m.cols]).toEqual([r, c]);
        expect(Array.from(m.data)).toEqual(values.map((v) => (t === '<f8' ? v : Math.fround(v))));
      }),
      { seed: 20261206, numRuns: 200 },
    );
  });

  it('answers truncations, bit flips and garbage with a matrix of the declared shape or a coded error', () => {
    let coded = 0;
    fc.assert(
      fc.property(
        file.chain((f) => {
          const bytes = npy(...f);
          return fc.tuple(fc.constant(bytes), damage(bytes.length), fc.constant([f[0], f[1]]));
        }),
        ([bytes, d, shape]) => {
          const broken = apply(bytes, d);
          try {
            const m = readNpy(broken, 'x.npy');
            // Never a silently smaller or reshaped matrix: a damaged shape is refused, not read as a prefix.
            expect([m.rows, m.cols]).toEqual(shape);
            const h = parseNpyHeader(broken, 'x.npy');
            expect(m.rows * m.cols).toBe(h.shape.reduce((a, b) => a * b, 1));
            expect(m.data.length).toBe(m.rows * m.cols);
            if (d.kind === 'truncate') expect(broken.length - h.dataOffset).toBeGreaterThanOrEqual(h.dataBytes);
          } catch (error) {
            if (!isVoxelwiseError(error, 'E_FILE_FORMAT')) throw error;
            coded++;
          }
        },
      ),
      { seed: 20261206, numRuns: 600 },
    );
    expect(coded).toBeGreaterThan(100);
  });
});
