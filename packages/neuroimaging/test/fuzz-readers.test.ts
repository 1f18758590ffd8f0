import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVoxelwiseError } from '@voxelwise/core';
import { parseFreeSurferMorph, parseFreeSurferSurface, parseGifti, parseNifti } from '../src/index.js';
import {
  freesurferMorphBytes,
  freesurferSurfaceBytes,
  giftiFuncBytes,
  giftiSurfaceBytes,
  nifti1Bytes,
  nifti1GzBytes,
  nifti2Bytes,
} from './helpers/fixtures.js';

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

const READERS: Array<[string, string, () => Uint8Array, (b: Uint8Array, f: string) => unknown]> = [
  ['NIfTI-1', 'fuzz.nii', nifti1Bytes, parseNifti],
  ['NIfTI-1 gzip', 'fuzz.nii.gz', nifti1GzBytes, parseNifti],
  ['NIfTI-2 big-endian', 'fuzz2.nii', () => nifti2Bytes(false), parseNifti],
  ['GIfTI GZipBase64Binary', 'fuzz.func.gii', giftiFuncBytes, parseGifti],
  ['GIfTI ASCII', 'fuzz.surf.gii', giftiSurfaceBytes, parseGifti],
  ['FreeSurfer surface', 'lh.fuzz', freesurferSurfaceBytes, parseFreeSurferSurface],
  ['FreeSurfer curvature', 'lh.fuzzcurv', freesurferMorphBytes, parseFreeSurferMorph],
];

// A damaged file either still parses (a flipped data bit is a valid file) or is E_FILE_FORMAT
// naming it; never a raw RangeError, TypeError or parser exception. Seeded, a few hundred runs each.
describe('damaged files', () => {
  for (const [label, file, make, parse] of READERS) {
    it(`${label}: truncations, bit flips and garbage are E_FILE_FORMAT naming the file, or parse`, () => {
      const bytes = make();
      let failures = 0;
      fc.assert(
        fc.property(damage(bytes.length), (d) => {
          try {
            parse(apply(bytes, d), file);
          } catch (e) {
            failures++;
            expect(isVoxelwiseError(e, 'E_FILE_FORMAT'), `${JSON.stringify(d)}: ${String(e)}`).toBe(true);
            expect((e as Error).message).toContain(file);
          }
        }),
        { seed: 15, numRuns: 300 },
      );
      // The damage must reach the checks (a fuzzer whose inputs all parse tests nothing).
      expect(failures).toBeGreaterThan(20);
    });
  }
});
