import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { niftiFdata, readFreeSurferMorph, readFreeSurferSurface, readGifti, readNifti } from '../src/index.js';
import type { Affine } from '../src/index.js';
import { nibabelUnavailable, toNum, writeReferenceFiles } from './helpers/nibabel.js';
import type { FreeSurferJson, GiftiJson, NiftiJson, Num, ReferenceJson } from './helpers/nibabel.js';

const skip = nibabelUnavailable;
const nums = (a: readonly Num[]): number[] => a.map(toNum);

function expectAffine(got: Affine | null, want: Num[][] | null, tol: number): void {
  if (want === null) {
    expect(got).toBeNull();
    return;
  }
  expect(got).not.toBeNull();
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(Math.abs(got![r]![c]! - toNum(want[r]![c]!))).toBeLessThanOrEqual(tol);
}

// Files written by nibabel (tools/reference/neuroimaging_reference.py), read by our readers and
// compared with what nibabel reads back: every header field, affine and value.
describe.skipIf(Boolean(skip))(`readers against nibabel${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  let dir = '';
  let expected: Record<string, ReferenceJson> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxelwise-neuroimaging-'));
    expected = writeReferenceFiles(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const names = (kind: ReferenceJson['kind'] | 'freesurfer'): string[] =>
    Object.entries(expected)
      .filter(([k, v]) => !k.startsWith('_') && (kind === 'freesurfer' ? v.kind === 'surface' || v.kind === 'morph' : v.kind === kind))
      .map(([k]) => k);

  it('writes the expected set of files', () => {
    expect(names('nifti').length).toBe(15);
    expect(names('gifti').length).toBe(9);
    expect(names('freesurfer').length).toBe(2);
  });

  it('reads every NIfTI-1/-2 header field, affine and value as nibabel does', async () => {
    for (const name of names('nifti')) {
      const want = expected[name] as NiftiJson;
      const img = await readNifti(join(dir, name));
      const h = img.header;
      const ctx = `${name}`;
      expect(h.version, ctx).toBe(want.version);
      expect(h.littleEndian, ctx).toBe(want.little_endian);
      expect(h.shape, ctx).toEqual(want.shape);
      expect(h.dim, ctx).toEqual(want.dim);
      expect(h.pixdim, ctx).toEqual(nums(want.pixdim));
      expect(h.datatype, ctx).toBe(want.datatype);
      expect(h.bitpix, ctx).toBe(want.bitpix);
      expect(h.voxOffset, ctx).toBe(toNum(want.vox_offset));
      expect(h.sclSlope, ctx).toBe(toNum(want.scl_slope));
      expect(h.sclInter, ctx).toBe(toNum(want.scl_inter));
      const si = want.slope_inter;
      // nibabel reports (1, 0) for a file without scaling where we report null: the same data.
      if (si === null) expect(img.scaling, ctx).toBeNull();
      else expect(img.scaling ?? { slope: 1, inter: 0 }, ctx).toEqual({ slope: toNum(si[0]), inter: toNum(si[1]) });
      expect(h.qformCode, ctx).toBe(want.qform_code);
      expect(h.sformCode, ctx).toBe(want.sform_code);
      expect(h.quatern, ctx).toEqual(nums(want.quatern));
      expect(h.qoffset, ctx).toEqual(nums(want.qoffset));
      expect(h.srow, ctx).toEqual(want.srow.map(nums));
      expect(h.xyztUnits, ctx).toBe(want.xyzt_units);
      expect(h.intentCode, ctx).toBe(want.intent_code);
      expect(h.dimInfo, ctx).toBe(want.dim_info);
      expect(h.description, ctx).toBe(want.descrip);
      expectAffine(img.affine, want.affine, 1e-9);
      expectAffine(img.qform, want.qform, 1e-9);
      expectAffine(img.sform, want.sform, 0);
      expect(Array.from(img.data), ctx).toEqual(nums(want.raw));
      expect(Array.from(niftiFdata(img)), ctx).toEqual(nums(want.fdata));
    }
  });

  it('reads every GIfTI encoding, byte order, indexing order, intent, metadata and label table as nibabel does', async () => {
    for (const name of names('gifti')) {
      const want = expected[name] as GiftiJson;
      const img = await readGifti(join(dir, name));
      expect(img.meta, name).toEqual(want.meta);
      expect(
        img.labels.map((l) => ({ key: l.key, label: l.label, rgba: l.red === undefined ? null : [l.red, l.green, l.blue, l.alpha] })),
        name,
      ).toEqual(want.labels.map((l) => ({ ...l, rgba: l.rgba && nums(l.rgba) })));
      expect(img.dataArrays.length, name).toBe(want.darrays.length);
      want.darrays.forEach((w, k) => {
        const d = img.dataArrays[k]!;
        const ctx = `${name} DataArray ${k}`;
        expect(d.intent, ctx).toBe(w.intent);
        expect(`NIFTI_TYPE_${d.elementType.toUpperCase()}`, ctx).toBe(w.datatype);
        expect(d.dims, ctx).toEqual(w.dims);
        expect(d.encoding, ctx).toBe(w.encoding);
        expect(d.meta, ctx).toEqual(w.meta);
        if (w.coordsys) {
          const cs = d.coordSystems[0]!;
          expect(cs.dataSpace, ctx).toBe(w.coordsys.dataspace);
          expect(cs.transformedSpace, ctx).toBe(w.coordsys.xformspace);
          // nibabel writes MatrixData with 6 decimals and reads them back as the same decimals.
          expectAffine(cs.matrix, w.coordsys.xform, 1e-12);
        }
        expect(Array.from(d.data), ctx).toEqual(nums(w.data));
      });
    }
  });

  it('reads the FreeSurfer surface and curvature as nibabel.freesurfer does', async () => {
    const surfWant = expected['lh.test'] as Extract<FreeSurferJson, { kind: 'surface' }>;
    const surf = await readFreeSurferSurface(join(dir, 'lh.test'));
    expect(Array.from(surf.coords)).toEqual(nums(surfWant.coords));
    expect(Array.from(surf.faces)).toEqual(surfWant.faces);
    expect(surf.createdBy).toBe(surfWant.created_by);
    expect(surf.vertexCount).toBe(surfWant.coords.length / 3);
    const curvWant = expected['lh.curv'] as Extract<FreeSurferJson, { kind: 'morph' }>;
    const curv = await readFreeSurferMorph(join(dir, 'lh.curv'));
    expect(Array.from(curv.values)).toEqual(nums(curvWant.values));
  });
});
