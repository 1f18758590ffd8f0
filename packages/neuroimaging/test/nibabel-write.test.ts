import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affineToQform, readGifti, readNifti, writeGiftiFunc, writeNifti1 } from '../src/index.js';
import type { Affine } from '../src/index.js';
import { nibabelRead, nibabelUnavailable, toNum, writeReferenceFiles } from './helpers/nibabel.js';
import type { GiftiJson, NiftiJson, Num } from './helpers/nibabel.js';

const skip = nibabelUnavailable;
const nums = (a: readonly Num[]): number[] => a.map(toNum);

function maxDiff(a: Affine, b: Num[][]): number {
  let m = 0;
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) m = Math.max(m, Math.abs(a[r]![c]! - toNum(b[r]![c]!)));
  return m;
}

function rotation(ax: number, ay: number, az: number): number[][] {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  const rx = [
    [1, 0, 0],
    [0, cx, -sx],
    [0, sx, cx],
  ];
  const ry = [
    [cy, 0, sy],
    [0, 1, 0],
    [-sy, 0, cy],
  ];
  const rz = [
    [cz, -sz, 0],
    [sz, cz, 0],
    [0, 0, 1],
  ];
  const mul = (a: number[][], b: number[][]): number[][] =>
    a.map((row) => [0, 1, 2].map((c) => row.reduce((s, v, k) => s + v * b[k]![c]!, 0)));
  return mul(mul(rz, ry), rx);
}

function affineOf(rot: number[][], zooms: number[], offset: number[], flipZ = false): Affine {
  return [
    ...[0, 1, 2].map((r) => [...[0, 1, 2].map((c) => rot[r]![c]! * zooms[c]! * (flipZ && c === 2 ? -1 : 1)), offset[r]!]),
    [0, 0, 0, 1],
  ];
}

// Files written by our writers, read by nibabel (tools/reference/neuroimaging_reference.py read).
describe.skipIf(Boolean(skip))(`writers read by nibabel${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxelwise-neuroimaging-w-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the quaternion nibabel stores for the same affine (right- and left-handed)', () => {
    const ref = writeReferenceFiles(join(dir, 'ref'));
    const right = affineOf(rotation(0.1, -0.2, 0.3), [2, 2.5, 3], [-90, 126.5, -72.25]);
    const left = affineOf(rotation(0.05, 0, -0.4), [1.5, 1.5, 2], [10, -20, 30], true);
    for (const [name, affine] of [
      ['n1_f32.nii.gz', right],
      ['n1_u8_qform.nii', left],
    ] as const) {
      const want = ref[name] as NiftiJson;
      const q = affineToQform(affine);
      // nibabel stores float32 fields: compare after the same rounding.
      expect(q.quatern.map(Math.fround), name).toEqual(nums(want.quatern));
      expect(q.offset.map(Math.fround), name).toEqual(nums(want.qoffset));
      expect([q.qfac, ...q.zooms].map(Math.fround), name).toEqual(nums(want.pixdim.slice(0, 4)));
    }
  });

  it('writes NIfTI-1 files (.nii and .nii.gz) that nibabel reads bit-exactly, with sform and qform set as nibabel saves them', async () => {
    const shape = [4, 3, 5, 2];
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7) * 1e3 + i / 7));
    data[3] = Number.NaN;
    data[5] = -0;
    const affine = affineOf(rotation(0.2, 0.1, -0.3), [2, 2, 2.4], [-96.5, -132, -78], true);
    const plain = join(dir, 'r.nii');
    const gz = join(dir, 'r.nii.gz');
    await writeNifti1(plain, { data, shape, affine, description: 'voxelwise r' });
    await writeNifti1(gz, { data, shape, affine });
    const u8 = Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256);
    const mask = join(dir, 'mask.nii.gz');
    await writeNifti1(mask, { data: u8, shape: [2, 3, 4], affine });
    const got = nibabelRead(plain, gz, mask);
    for (const [file, values] of [
      [plain, data],
      [gz, data],
      [mask, u8],
    ] as const) {
      const w = got[file] as NiftiJson;
      expect(w.shape, file).toEqual(file === mask ? [2, 3, 4] : shape);
      expect(w.sform_code, file).toBe(2);
      expect(w.qform_code, file).toBe(0);
      expect(maxDiff(affine, w.affine), file).toBeLessThanOrEqual(1e-6);
      // The qform fields (code 0) hold the same affine, as nibabel's set_qform would store it.
      expect(maxDiff(affine, w.qform_any), file).toBeLessThanOrEqual(1e-5);
      const raw = nums(w.raw);
      expect(raw.length).toBe(values.length);
      // Bit-exact: the same float32 values (NaN and -0 included).
      expect(Float32Array.from(raw), file).toEqual(Float32Array.from(values));
      expect(Object.is(raw[5], -0) || file === mask, file).toBe(true);
      expect(w.slope_inter, file).toEqual([1, 0]);
    }
    expect((got[plain] as NiftiJson).descrip).toBe('voxelwise r');
    // Our reader reads our files back identically.
    const back = await readNifti(gz);
    expect(back.data).toEqual(data);
    expect(maxDiff(back.affine, affine as Num[][])).toBeLessThanOrEqual(1e-6);
  });

  it('keeps the source header (units, TR, sform/qform codes) when the affine is the source one, and replaces it as nibabel does when not', async () => {
    const ref = join(dir, 'ref');
    const src = await readNifti(join(ref, 'n1_i32_both.nii')); // sform_code 4, qform_code 1
    const data = Float32Array.from({ length: src.data.length }, (_, i) => i / 3);
    const same = join(dir, 'same.nii');
    const moved = join(dir, 'moved.nii.gz');
    await writeNifti1(same, { data, shape: src.header.shape, affine: src.affine, source: src.header });
    const shifted = src.affine.map((row, r) => row.map((v, c) => (c === 3 && r < 3 ? v + 5 : v)));
    await writeNifti1(moved, { data, shape: src.header.shape, affine: shifted, source: src.header });
    const tr = await readNifti(join(ref, 'n1_f32_4d.nii')); // xyzt_units mm+sec, TR 1.5
    const series = join(dir, 'series.nii');
    await writeNifti1(series, { data: Float32Array.from(tr.data as Float32Array), shape: tr.header.shape, source: tr.header });
    const got = nibabelRead(same, moved, series);
    const s = got[same] as NiftiJson;
    expect([s.sform_code, s.qform_code]).toEqual([4, 1]);
    expect(maxDiff(src.affine, s.affine)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(src.qform!, s.qform!)).toBeLessThanOrEqual(1e-6);
    const m = got[moved] as NiftiJson;
    expect([m.sform_code, m.qform_code]).toEqual([2, 0]);
    expect(maxDiff(shifted, m.affine)).toBeLessThanOrEqual(1e-6);
    const t = got[series] as NiftiJson;
    expect(t.xyzt_units).toBe(tr.header.xyztUnits);
    expect(toNum(t.pixdim[4]!)).toBe(1.5);
    expect(maxDiff(tr.affine, t.affine)).toBeLessThanOrEqual(1e-6);
    expect(Float32Array.from(nums(t.raw))).toEqual(tr.data);
  });

  it('writes .func.gii files (GZipBase64Binary float32, one DataArray per map) that nibabel reads bit-exactly', async () => {
    const vertices = 1000;
    const r = Float32Array.from({ length: vertices }, (_, i) => Math.fround(Math.cos(i) * 0.7));
    const p = Float32Array.from({ length: vertices }, (_, i) => Math.fround(1 / (i + 1)));
    p[7] = Number.NaN;
    const file = join(dir, 'sub-01_hemi-L_stat.func.gii');
    await writeGiftiFunc(
      file,
      [
        { data: r, name: 'r' },
        { data: p, name: 'p <one-sided>', meta: { Units: 'probability' } },
      ],
      { hemisphere: 'left', meta: { Run: 'run-1 & more' } },
    );
    const w = nibabelRead(file)[file] as GiftiJson;
    expect(w.meta).toEqual({ Run: 'run-1 & more', AnatomicalStructurePrimary: 'CortexLeft' });
    expect(w.darrays.map((d) => [d.intent, d.datatype, d.encoding, d.dims])).toEqual([
      ['NIFTI_INTENT_NONE', 'NIFTI_TYPE_FLOAT32', 'GZipBase64Binary', [vertices]],
      ['NIFTI_INTENT_NONE', 'NIFTI_TYPE_FLOAT32', 'GZipBase64Binary', [vertices]],
    ]);
    expect(w.darrays.map((d) => d.meta)).toEqual([{ Name: 'r' }, { Name: 'p <one-sided>', Units: 'probability' }]);
    expect(Float32Array.from(nums(w.darrays[0]!.data))).toEqual(r);
    expect(Float32Array.from(nums(w.darrays[1]!.data))).toEqual(p);
    const back = await readGifti(file);
    expect(back.dataArrays.map((d) => d.data)).toEqual([r, p]);
  });
});
