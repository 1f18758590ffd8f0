import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toRows } from '@voxelwise/core';
import { parseNpyHeader, readNpy } from '../src/index.js';
import { expectCode } from './expect-code.js';

// Files written by numpy 2.4 with fixtures/make-npy.py; a = [[1.5, -2], [3.25, 4], [0, 1e-3]].
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', 'npy', name);
const load = (name: string) => readNpy(readFileSync(fixture(name)), name);
const A64 = [
  [1.5, -2],
  [3.25, 4],
  [0, 1e-3],
];
const A32 = A64.map((r) => r.map((v) => Math.fround(v)));

describe('readNpy on files numpy wrote', () => {
  it('reads float32 and float64 C-order arrays exactly', () => {
    const f4 = load('c-f4.npy');
    expect(f4.data).toBeInstanceOf(Float32Array);
    expect(toRows(f4)).toEqual(A32);
    const f8 = load('c-f8.npy');
    expect(f8.data).toBeInstanceOf(Float64Array);
    expect(toRows(f8)).toEqual(A64);
  });

  it('reads format 2.0 headers, big-endian data and 1-D arrays (as n × 1)', () => {
    expect(toRows(load('v2-f8.npy'))).toEqual(A64);
    const be = load('be-f4.npy');
    expect(be.data).toBeInstanceOf(Float32Array);
    expect(toRows(be)).toEqual(A32);
    const vec = load('vec-f8.npy');
    expect([vec.rows, vec.cols]).toEqual([4, 1]);
    expect(Array.from(vec.data)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it('refuses Fortran order, other dtypes and other ranks with a hint', () => {
    const fortran = expectCode(() => load('fortran-f4.npy'), 'E_FILE_FORMAT', /fortran-f4\.npy/, /Fortran/);
    expect(fortran.message).toContain('np.ascontiguousarray');
    expectCode(() => load('i8.npy'), 'E_FILE_FORMAT', /i8\.npy/, /"<i8"/, /astype\(np\.float32\)/);
    expectCode(() => load('f2.npy'), 'E_FILE_FORMAT', /"<f2"/);
    expectCode(() => load('3d.npy'), 'E_FILE_FORMAT', /3 dimensions/);
  });
});

describe('parseNpyHeader', () => {
  it('describes the data without reading it: dtype, byte order, order, shape, offset and size', () => {
    const f = readFileSync(fixture('fortran-f4.npy'));
    const h = parseNpyHeader(f.subarray(0, 128), 'fortran-f4.npy');
    expect(h).toMatchObject({
      version: 1,
      dtype: 'float32',
      itemSize: 4,
      littleEndian: true,
      fortranOrder: true,
      shape: [3, 2],
      dataBytes: 24,
    });
    expect(f.length - h.dataOffset).toBe(24);
    expect(parseNpyHeader(readFileSync(fixture('be-f4.npy'))).littleEndian).toBe(false);
    expect(parseNpyHeader(readFileSync(fixture('v2-f8.npy'))).version).toBe(2);
  });
});

describe('readNpy on damaged input', () => {
  const good = readFileSync(fixture('c-f8.npy'));

  it('rejects a missing magic string, a truncated header and truncated data', () => {
    expectCode(() => readNpy(Buffer.from('PK\x03\x04 this is a zip'), 'x.npz'), 'E_FILE_FORMAT', /x\.npz/, /not a \.npy file/);
    expectCode(() => readNpy(good.subarray(0, 40), 'short.npy'), 'E_FILE_FORMAT', /ends inside the \.npy header/);
    expectCode(() => readNpy(good.subarray(0, good.length - 8), 'cut.npy'), 'E_FILE_FORMAT', /fewer bytes/, /got 40/, /expected 48/);
  });

  it('rejects an unknown version, a header without shape and a malformed shape', () => {
    const v9 = Buffer.from(good);
    v9[6] = 9;
    expectCode(() => readNpy(v9, 'v9.npy'), 'E_FILE_FORMAT', /version 9\.0/);
    const noShape = Buffer.from(good);
    noShape.write("'shapf'", good.indexOf("'shape'"), 'latin1');
    expectCode(() => readNpy(noShape, 'h.npy'), 'E_FILE_FORMAT', /descr, fortran_order and shape/);
    const badShape = Buffer.from(good);
    badShape.write('(x, 2)', good.indexOf('(3, 2)'), 'latin1');
    expectCode(() => readNpy(badShape, 'b.npy'), 'E_FILE_FORMAT', /malformed shape/);
  });

  it('copies unaligned data instead of failing', () => {
    const shifted = new Uint8Array(good.length + 1);
    shifted.set(good, 1);
    expect(toRows(readNpy(shifted.subarray(1), 'shifted.npy'))).toEqual(A64);
  });
});
