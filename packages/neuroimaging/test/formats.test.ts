import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  niftiFdata,
  parseFreeSurferMorph,
  parseFreeSurferSurface,
  parseGifti,
  parseNifti,
  readNifti,
  voxelIndex,
  voxelTimeSeries,
} from '../src/index.js';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  freesurferMorphBytes,
  freesurferSurfaceBytes,
  giftiFuncBytes,
  giftiSurfaceBytes,
  nifti1Bytes,
  nifti1GzBytes,
  nifti2Bytes,
} from './helpers/fixtures.js';

describe('NIfTI', () => {
  it('indexes (x, y, z, t) column-major, x fastest', async () => {
    const shape = [3, 4, 2, 2];
    expect(voxelIndex(shape, 0, 0, 0, 0)).toBe(0);
    expect(voxelIndex(shape, 1, 0, 0, 0)).toBe(1);
    expect(voxelIndex(shape, 0, 1, 0, 0)).toBe(3);
    expect(voxelIndex(shape, 0, 0, 1, 0)).toBe(12);
    expect(voxelIndex(shape, 2, 3, 1, 1)).toBe(47);
    await expectVoxelwiseError(() => voxelIndex(shape, 3, 0, 0, 0), 'E_DATA_INVALID', /coordinate x/);
    const img = parseNifti(nifti1Bytes(), 'a.nii');
    expect(Array.from(voxelTimeSeries(img, 2, 3, 1))).toEqual([23 * 0.25 - 3, 47 * 0.25 - 3]);
  });

  it('reads a gzipped file as the plain one', async () => {
    const a = parseNifti(nifti1Bytes(), 'a.nii');
    const b = parseNifti(nifti1GzBytes(), 'a.nii.gz');
    expect(b.data).toEqual(a.data);
    expect(b.affine).toEqual(a.affine);
    expect(a.header.magic).toBe('n+1');
    expect(a.affine).toEqual([
      [0, -2, 0, 10],
      [2, 0, 0, -20],
      [0, 0, 3, 5],
      [0, 0, 0, 1],
    ]);
  });

  it('reads NIfTI-2 in either byte order, with scaling applied by niftiFdata only', async () => {
    for (const le of [true, false]) {
      const img = parseNifti(nifti2Bytes(le), 'b.nii');
      expect(img.header.version).toBe(2);
      expect(img.header.magic).toBe('n+2');
      expect(img.header.littleEndian).toBe(le);
      expect(img.header.shape).toEqual([2, 3, 2]);
      expect(Array.from(img.data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 10 - 50));
      expect(Array.from(niftiFdata(img))).toEqual(Array.from({ length: 12 }, (_, i) => (i * 10 - 50) * 0.5 - 1));
      expect(img.sform).toEqual([
        [2, 0, 0, -90],
        [0, 2, 0, -126],
        [0, 0, 2, -72],
        [0, 0, 0, 1],
      ]);
      expect(img.qform).toBeNull();
    }
  });

  it('names the file in every format error', async () => {
    const bytes = nifti1Bytes();
    await expectVoxelwiseError(() => parseNifti(bytes.subarray(0, bytes.length - 1), 'cut.nii'), 'E_FILE_FORMAT', /cut\.nii/, /truncated/);
    await expectVoxelwiseError(
      () => parseNifti(bytes.subarray(0, 200), 'head.nii'),
      'E_FILE_FORMAT',
      /head\.nii/,
      /not a single-file NIfTI/,
    );
    await expectVoxelwiseError(() => parseNifti(new TextEncoder().encode('hello'.repeat(100)), 'text.nii'), 'E_FILE_FORMAT', /text\.nii/);
    const gz = nifti1GzBytes();
    await expectVoxelwiseError(() => parseNifti(gz.subarray(0, gz.length - 10), 'cut.nii.gz'), 'E_FILE_FORMAT', /cut\.nii\.gz/, /gzip/);
    const complex = Uint8Array.from(bytes);
    new DataView(complex.buffer).setInt16(70, 32, true);
    await expectVoxelwiseError(() => parseNifti(complex, 'complex.nii'), 'E_FILE_FORMAT', /complex\.nii/, /datatype 32/);
    await expectVoxelwiseError(() => readNifti(join(tmpdir(), 'voxelwise-no-such.nii.gz')), 'E_FILE_NOT_FOUND', /no-such/);
  });
});

describe('GIfTI', () => {
  it('reads ColumnMajorOrder arrays row-major, ASCII values, CDATA metadata and the label table', async () => {
    const img = parseGifti(giftiSurfaceBytes(), 'lh.surf.gii');
    expect(img.meta).toEqual({ AnatomicalStructurePrimary: 'CortexLeft' });
    expect(img.labels).toEqual([
      { key: 0, label: '???', red: 0, green: 0, blue: 0, alpha: 0 },
      { key: 5, label: 'A1', red: 1, green: 0.5, blue: 0, alpha: 1 },
    ]);
    const [pts, tri, lab] = img.dataArrays;
    expect(pts!.dims).toEqual([4, 3]);
    // Column-major 0 1 0 0 | 0 0 1 0 | 0 0 0 1: vertex k is the k-th unit vector (vertex 0 the origin).
    expect(Array.from(pts!.data)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(pts!.coordSystems[0]!.dataSpace).toBe('NIFTI_XFORM_TALAIRACH');
    expect(tri!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(tri!.data)).toEqual([0, 1, 2, 0, 2, 3]);
    expect(lab!.data).toBeInstanceOf(Uint8Array);
    expect(lab!.intent).toBe('NIFTI_INTENT_LABEL');
  });

  it('reads Data wrapped in CDATA', async () => {
    const text = new TextDecoder().decode(giftiSurfaceBytes()).replace('0 1 2 0 2 3', '<![CDATA[0 1 2 0 2 3]]>');
    expect(Array.from(parseGifti(new TextEncoder().encode(text), 'cdata.gii').dataArrays[1]!.data)).toEqual([0, 1, 2, 0, 2, 3]);
  });

  it('names the file in every format error', async () => {
    const text = new TextDecoder().decode(giftiSurfaceBytes());
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    await expectVoxelwiseError(() => parseGifti(enc(text.slice(0, 300)), 'cut.surf.gii'), 'E_FILE_FORMAT', /cut\.surf\.gii/, /XML/);
    await expectVoxelwiseError(
      () => parseGifti(enc(text.replace('0 1 2 0 2 3', '0 1 2 0 2')), 'short.gii'),
      'E_FILE_FORMAT',
      /short\.gii/,
      /DataArray 1/,
    );
    await expectVoxelwiseError(() => parseGifti(enc(text.replace('0 5 5 0', '0 5 x 0')), 'nan.gii'), 'E_FILE_FORMAT', /not a number/);
    await expectVoxelwiseError(
      () => parseGifti(enc(text.replaceAll('"ASCII"', '"ExternalFileBinary"')), 'ext.gii'),
      'E_FILE_FORMAT',
      /Encoding/,
    );
    await expectVoxelwiseError(() => parseGifti(enc('<?xml version="1.0"?><NotGifti/>'), 'other.gii'), 'E_FILE_FORMAT', /no <GIFTI>/);
    const func = new TextDecoder().decode(giftiFuncBytes());
    await expectVoxelwiseError(
      () => parseGifti(enc(func.replace(/<Data>([^<]{8})/, '<Data>AAAA$1')), 'z.func.gii'),
      'E_FILE_FORMAT',
      /z\.func\.gii/,
      /compressed/,
    );
  });
});

describe('FreeSurfer', () => {
  it('reads a triangle surface and a curvature file', async () => {
    const s = parseFreeSurferSurface(freesurferSurfaceBytes(), 'lh.white');
    expect(s.createdBy).toBe('created by test on today');
    expect([s.vertexCount, s.faceCount]).toEqual([4, 4]);
    expect(Array.from(s.coords.subarray(3, 6))).toEqual([1, 0, 0]);
    expect(Array.from(s.faces.subarray(9))).toEqual([1, 3, 2]);
    expect(Array.from(parseFreeSurferMorph(freesurferMorphBytes(), 'lh.curv').values)).toEqual([0.5, -0.25, 1, 2]);
  });

  it('names the file in every format error', async () => {
    const b = freesurferSurfaceBytes();
    await expectVoxelwiseError(
      () => parseFreeSurferSurface(b.subarray(0, b.length - 4), 'lh.pial'),
      'E_FILE_FORMAT',
      /lh\.pial/,
      /truncated/,
    );
    const quad = Uint8Array.from(b);
    quad[2] = 0xff;
    await expectVoxelwiseError(() => parseFreeSurferSurface(quad, 'lh.quad'), 'E_FILE_FORMAT', /quad surface/);
    const badFace = Uint8Array.from(b);
    new DataView(badFace.buffer).setInt32(b.length - 4, 99);
    await expectVoxelwiseError(() => parseFreeSurferSurface(badFace, 'lh.bad'), 'E_FILE_FORMAT', /face 3/);
    await expectVoxelwiseError(() => parseFreeSurferMorph(b, 'lh.curv'), 'E_FILE_FORMAT', /lh\.curv/);
  });
});
