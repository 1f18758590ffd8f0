import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toRows } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { parseNpy, readNpy } from '../src/index.js';
import { ramp, tempDir, writeNpy } from './helpers.js';

// Files written by numpy 2.4 with fixtures/make-npy.py; a = [[1.5, -2], [3.25, 4], [0, 1e-3]].
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', 'npy', name);
const A64 = [
  [1.5, -2],
  [3.25, 4],
  [0, 1e-3],
];
const A32 = A64.map((r) => r.map((v) => Math.fround(v)));

describe('parseNpy on files numpy wrote', () => {
  it('reads float32 and float64 C-order arrays exactly', async () => {
    const f4 = await readNpy(fixture('c-f4.npy'));
    expect(f4.data).toBeInstanceOf(Float32Array);
    expect(toRows(f4)).toEqual(A32);
    const f8 = await readNpy(fixture('c-f8.npy'));
    expect(f8.data).toBeInstanceOf(Float64Array);
    expect(toRows(f8)).toEqual(A64);
  });

  it('reads format 2.0 headers, big-endian data and 1-D arrays (as n × 1)', async () => {
    expect(toRows(await readNpy(fixture('v2-f8.npy')))).toEqual(A64);
    const be = await readNpy(fixture('be-f4.npy'));
    expect(be.data).toBeInstanceOf(Float32Array);
    expect(toRows(be)).toEqual(A32);
    const vec = await readNpy(fixture('vec-f8.npy'));
    expect([vec.rows, vec.cols]).toEqual([4, 1]);
    expect(Array.from(vec.data)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it('refuses Fortran order, other dtypes and other ranks with a hint', async () => {
    const fortran = await expectVoxelwiseError(() => readNpy(fixture('fortran-f4.npy')), 'E_FILE_FORMAT', 'fortran-f4.npy', 'Fortran');
    expect(fortran.message).toContain('np.ascontiguousarray');
    await expectVoxelwiseError(() => readNpy(fixture('i8.npy')), 'E_FILE_FORMAT', 'i8.npy', '"<i8"', 'astype(np.float32)');
    await expectVoxelwiseError(() => readNpy(fixture('f2.npy')), 'E_FILE_FORMAT', '"<f2"');
    await expectVoxelwiseError(() => readNpy(fixture('3d.npy')), 'E_FILE_FORMAT', '3 dimensions');
  });
});

describe('parseNpy on damaged input', () => {
  const good = readFileSync(fixture('c-f8.npy'));

  it('rejects a missing magic string, a truncated header and truncated data', async () => {
    await expectVoxelwiseError(
      () => parseNpy(Buffer.from('PK\x03\x04 this is a zip'), 'x.npz'),
      'E_FILE_FORMAT',
      'x.npz',
      'not a .npy file',
    );
    await expectVoxelwiseError(() => parseNpy(good.subarray(0, 40), 'short.npy'), 'E_FILE_FORMAT', 'ends inside the .npy header');
    await expectVoxelwiseError(
      () => parseNpy(good.subarray(0, good.length - 8), 'cut.npy'),
      'E_FILE_FORMAT',
      'fewer bytes',
      'got 40',
      'expected 48',
    );
  });

  it('rejects an unknown version and a header without shape', async () => {
    const v9 = Buffer.from(good);
    v9[6] = 9;
    await expectVoxelwiseError(() => parseNpy(v9, 'v9.npy'), 'E_FILE_FORMAT', 'version 9.0');
    const noShape = Buffer.from(good);
    noShape.write("'shapf'", good.indexOf("'shape'"), 'latin1');
    await expectVoxelwiseError(() => parseNpy(noShape, 'h.npy'), 'E_FILE_FORMAT', 'descr, fortran_order and shape');
  });

  it('copies unaligned data instead of failing', () => {
    const shifted = new Uint8Array(good.length + 1);
    shifted.set(good, 1);
    const m = parseNpy(shifted.subarray(1), 'shifted.npy');
    expect(toRows(m)).toEqual(A64);
  });

  it('round-trips what the test writer produces, and maps a missing file to E_FILE_NOT_FOUND', async () => {
    const dir = tempDir();
    const m = ramp(5, 3, 'float64');
    writeNpy(join(dir, 'r.npy'), m);
    expect(toRows(await readNpy(join(dir, 'r.npy')))).toEqual(toRows(m));
    await expectVoxelwiseError(() => readNpy(join(dir, 'missing.npy')), 'E_FILE_NOT_FOUND', 'missing.npy');
  });
});
