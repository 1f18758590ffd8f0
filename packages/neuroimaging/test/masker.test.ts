import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { applyMask, atlasLabels, encodeNifti1, fullMask, maskFromImage, parseNifti, voxelIndex } from '../src/index.js';

const affine = [
  [2, 0, 0, -4],
  [0, 2, 0, -6],
  [0, 0, 2, -2],
  [0, 0, 0, 1],
];
const shape: [number, number, number] = [3, 4, 2];
const n = 3 * 4 * 2;

function image(data: Float32Array | Int16Array | Uint8Array, s: number[], a = affine) {
  return parseNifti(encodeNifti1({ data, shape: s, affine: a }), `img-${s.join('x')}.nii`);
}

describe('masker', () => {
  it('takes the non-zero mask voxels in storage order (x fastest) and reads them per time point', () => {
    const m = new Uint8Array(n);
    const inBrain = [
      [1, 0, 0],
      [0, 2, 0],
      [2, 3, 1],
      [0, 0, 1],
    ] as const;
    for (const [x, y, z] of inBrain) m[voxelIndex(shape, x, y, z)] = 1;
    const mask = maskFromImage(image(m, shape));
    const expected = inBrain.map(([x, y, z]) => voxelIndex(shape, x, y, z)).sort((a, b) => a - b);
    expect(Array.from(mask.indices)).toEqual(expected);
    const T = 3;
    const bold = new Float32Array(n * T);
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) bold[t * n + i] = 100 * t + i;
    const Y = applyMask(image(bold, [...shape, T]), mask);
    expect(Y.length).toBe(T * expected.length);
    for (let t = 0; t < T; t++) expect(Array.from(Y.subarray(t * 4, t * 4 + 4))).toEqual(expected.map((i) => 100 * t + i));
    expect(Array.from(applyMask(image(bold, [...shape, T]), mask, { start: 1, end: 2 }))).toEqual(expected.map((i) => 100 + i));
    expect(fullMask(image(m, shape)).indices.length).toBe(n);
  });

  it('applies scl_slope / scl_inter as nibabel get_fdata', () => {
    const raw = Int16Array.from({ length: n * 2 }, (_, k) => k);
    const bytes = encodeNifti1({ data: raw, shape: [...shape, 2], affine });
    // scl_slope at byte 112, scl_inter at 116 (nifti1.h).
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setFloat32(112, 0.5, true);
    view.setFloat32(116, 10, true);
    const img = parseNifti(bytes, 'scaled.nii');
    const mask = fullMask(img);
    const Y = applyMask(img, mask);
    expect(Y[5]).toBe(5 * 0.5 + 10);
    expect(Y[n + 3]).toBe((n + 3) * 0.5 + 10);
  });

  it('refuses a series on another grid or affine, an empty or 4-D mask, naming the files', async () => {
    const m = new Uint8Array(n).fill(1);
    const mask = maskFromImage(image(m, shape));
    await expectVoxelwiseError(
      () => applyMask(image(new Float32Array(2 * 4 * 2 * 2), [2, 4, 2, 2]), mask),
      'E_SHAPE_MISMATCH',
      /img-2x4x2x2\.nii/,
    );
    const shifted = affine.map((r) => r.slice());
    shifted[0]![3] = -3;
    await expectVoxelwiseError(
      () => applyMask(image(new Float32Array(n * 2), [...shape, 2], shifted), mask),
      'E_SHAPE_MISMATCH',
      /different affines/,
    );
    await expectVoxelwiseError(() => maskFromImage(image(new Uint8Array(n), shape)), 'E_DATA_INVALID', /no non-zero voxel/);
    await expectVoxelwiseError(
      () => maskFromImage(image(new Uint8Array(n * 2).fill(1), [...shape, 2])),
      'E_DATA_INVALID',
      /one 3-D volume/,
    );
  });

  it('labels each column from an ROI atlas', async () => {
    const m = new Uint8Array(n);
    m[3] = 1;
    m[7] = 1;
    const atlas = new Int16Array(n);
    atlas[3] = 12;
    const labels = atlasLabels(image(atlas, shape), maskFromImage(image(m, shape)));
    expect(Array.from(labels)).toEqual([12, 0]);
    const bad = new Float32Array(n);
    bad[7] = 0.5;
    await expectVoxelwiseError(() => atlasLabels(image(bad, shape), maskFromImage(image(m, shape))), 'E_DATA_INVALID', /not an integer/);
  });
});

describe('streamed masker', () => {
  it('gives what applyMask gives on the whole image, plain and gzipped, scaled, any row range', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readMaskedSeries } = await import('../src/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'vw-masked-'));
    const s: [number, number, number] = [30, 20, 24];
    const nvox = 30 * 20 * 24;
    const T = 9;
    const m = new Uint8Array(nvox);
    for (let i = 0; i < nvox; i += 7) m[i] = 1;
    const mask = maskFromImage(image(m, s));
    for (const [gzip, data] of [
      [true, Float32Array.from({ length: nvox * T }, (_, k) => Math.sin(k) * 100)],
      [false, Int16Array.from({ length: nvox * T }, (_, k) => (k * 37) % 3000)],
    ] as const) {
      const bytes = encodeNifti1({ data, shape: [...s, T], affine, gzip: false });
      if (!gzip) new DataView(bytes.buffer, bytes.byteOffset).setFloat32(112, 0.25, true);
      const file = join(dir, gzip ? 'bold.nii.gz' : 'bold.nii');
      const { gzipSync } = await import('node:zlib');
      writeFileSync(file, gzip ? gzipSync(bytes) : bytes);
      const whole = parseNifti(gzip ? gzipSync(bytes) : bytes, file);
      for (const rows of [{}, { start: 2, end: 7 }, { start: 8 }, { start: 3, end: 3 }]) {
        expect(Array.from(await readMaskedSeries(file, mask, rows))).toEqual(Array.from(applyMask(whole, mask, rows)));
      }
    }
    const truncated = join(dir, 'short.nii');
    const full = encodeNifti1({ data: new Float32Array(nvox * T), shape: [...s, T], affine, gzip: false });
    writeFileSync(truncated, full.subarray(0, full.length - 10));
    await expectVoxelwiseError(() => readMaskedSeries(truncated, mask), 'E_FILE_FORMAT', /short\.nii/, /truncated/);
    await expectVoxelwiseError(() => readMaskedSeries(truncated, mask, { end: 99 }), 'E_DATA_INVALID', /out of range/);
    const whole = parseNifti(full, truncated);
    for (const rows of [{ end: 99 }, { start: -1 }, { start: 5, end: 4 }, { start: 1.5 }]) {
      expect(() => applyMask(whole, mask, rows)).toThrow(/short\.nii: time points .* are out of range/);
      await expectVoxelwiseError(() => readMaskedSeries(truncated, mask, rows), 'E_DATA_INVALID', /short\.nii: time points/);
    }
  });
});
