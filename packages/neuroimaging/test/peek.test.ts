import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { countGiftiArrays, encodeGiftiFunc, encodeNifti1, readNifti, readNiftiHeader } from '../src/index.js';

describe('peek', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vw-peek-'));
  const affine = [
    [-2, 0, 0, 90],
    [0, 2, 0, -126],
    [0, 0, 2, -72],
    [0, 0, 0, 1],
  ];

  it('reads the header of a plain and a gzipped series as the whole-file reader does', async () => {
    // 40 × 40 × 40 × 6 float32 = 1.5 MB: more than the 64 KiB the peek reads.
    const shape = [40, 40, 40, 6];
    const data = Float32Array.from({ length: 40 * 40 * 40 * 6 }, (_, k) => Math.sin(k));
    for (const name of ['a.nii', 'a.nii.gz']) {
      const file = join(dir, name);
      writeFileSync(file, encodeNifti1({ data, shape, affine, gzip: name.endsWith('.gz') }));
      const whole = await readNifti(file);
      const peek = await readNiftiHeader(file);
      expect(peek.header).toEqual(whole.header);
      expect(peek.affine).toEqual(whole.affine);
      expect(peek.header.shape).toEqual(shape);
      expect('data' in peek).toBe(false);
    }
    await expectVoxelwiseError(() => readNiftiHeader(join(dir, 'missing.nii.gz')), 'E_FILE_NOT_FOUND', /missing\.nii\.gz/);
    writeFileSync(join(dir, 'bad.nii'), new Uint8Array(600));
    await expectVoxelwiseError(() => readNiftiHeader(join(dir, 'bad.nii')), 'E_FILE_FORMAT', /bad\.nii/);
  });

  it('a damaged gzip stream is E_FILE_FORMAT naming the file, from the header peek and the whole-file reader alike', async () => {
    const file = join(dir, 'damaged.nii.gz');
    const gz = encodeNifti1({ data: new Float32Array(8), shape: [2, 2, 2], affine, gzip: true });
    writeFileSync(file, Uint8Array.of(...gz.subarray(0, 10), ...new Uint8Array(40).fill(0xff)));
    await expectVoxelwiseError(() => readNiftiHeader(file), 'E_FILE_FORMAT', /damaged\.nii\.gz/, /gzip stream is damaged or truncated/);
    await expectVoxelwiseError(() => readNifti(file), 'E_FILE_FORMAT', /damaged\.nii\.gz/, /gzip stream is damaged or truncated/);
  });

  it('counts the DataArrays of a GIfTI time series and reads the vertex count', async () => {
    const maps = Array.from({ length: 7 }, (_, t) => ({ data: Float32Array.from({ length: 50 }, (_, v) => t + v) }));
    const file = join(dir, 'hemi-L.func.gii');
    writeFileSync(file, encodeGiftiFunc(maps, { hemisphere: 'left' }));
    expect(await countGiftiArrays(file)).toEqual({ arrays: 7, dim0: 50 });
  });
});

describe('FreeSurfer surface writer', () => {
  it('writes what the reader reads back', async () => {
    const { encodeFreeSurferSurface, parseFreeSurferSurface } = await import('../src/index.js');
    const coords = Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1.5]);
    const faces = Int32Array.from([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]);
    const s = parseFreeSurferSurface(encodeFreeSurferSurface(coords, faces), 'lh.test');
    expect(Array.from(s.coords)).toEqual(Array.from(coords));
    expect(Array.from(s.faces)).toEqual(Array.from(faces));
    expect(s.createdBy).toBe('created by voxelwise');
    await expectVoxelwiseError(() => encodeFreeSurferSurface(coords, Int32Array.from([0, 1, 9])), 'E_DATA_INVALID', /vertex 9/);
  });
});
