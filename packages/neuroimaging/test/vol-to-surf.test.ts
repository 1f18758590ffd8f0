import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { lineSampleLocations, niftiFdata, readNifti, readSurfaceMesh, vertexNormals, volToSurf, volToSurfProjector } from '../src/index.js';
import type { Affine } from '../src/index.js';

/** tools/reference/vol_to_surf.py: the same sampling rule in numpy/scipy. */
const SCRIPT = fileURLToPath(new URL('../../../tools/reference/vol_to_surf.py', import.meta.url));
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const skip = (() => {
  const probe = spawnSync(PYTHON, [SCRIPT, 'check'], { encoding: 'utf8' });
  if (probe.error) return `no ${PYTHON}`;
  return probe.status === 0 ? undefined : probe.stderr.trim() || `check exited ${probe.status}`;
})();

type Num = number | 'nan';
interface Expected {
  radius: number;
  n_samples: number;
  n_vertices: number;
  n_frames: number;
  normals: Num[];
  locations: Num[];
  plain: Num[];
  masked: Num[];
}

const toNum = (v: Num): number => (v === 'nan' ? Number.NaN : v);

/** Largest |a − b| over finite pairs; NaN positions must agree. */
function maxDiff(actual: ArrayLike<number>, expected: readonly Num[]): number {
  expect(actual.length).toBe(expected.length);
  let m = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = toNum(expected[i]!);
    const a = actual[i]!;
    expect(Number.isNaN(a), `NaN at ${i}`).toBe(Number.isNaN(e));
    if (!Number.isNaN(e)) m = Math.max(m, Math.abs(a - e));
  }
  return m;
}

describe.skipIf(Boolean(skip))(`volToSurf against the numpy reference${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  let dir = '';
  let expected: Expected;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxelwise-v2s-'));
    const r = spawnSync(PYTHON, [SCRIPT, 'write', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`vol_to_surf.py write failed: ${r.stderr}`);
    expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('normals, sample locations and projected values (4-D, with and without mask) within 1e-6', async () => {
    const bold = await readNifti(join(dir, 'bold.nii.gz'));
    const mask = await readNifti(join(dir, 'mask.nii.gz'));
    const mesh = await readSurfaceMesh(join(dir, 'mesh.surf.gii'));
    expect(mesh.vertexCount).toBe(expected.n_vertices);
    expect(maxDiff(vertexNormals(mesh), expected.normals)).toBeLessThan(1e-9);
    expect(maxDiff(lineSampleLocations(mesh, bold.affine), expected.locations)).toBeLessThan(1e-9);
    const volume = { data: niftiFdata(bold), shape: bold.header.shape, affine: bold.affine };
    const plain = volToSurf(volume, mesh);
    expect(plain.length).toBe(expected.n_frames * expected.n_vertices);
    expect(maxDiff(plain, expected.plain)).toBeLessThan(1e-6);
    // Some vertices lie wholly outside the volume (NaN) and some partly: both paths are exercised.
    expect(expected.plain.filter((v) => v === 'nan').length).toBeGreaterThan(0);
    // The same, volume by volume through a projector set up once.
    const projector = volToSurfProjector(mesh, volume);
    const byFrame = new Float64Array(plain.length);
    for (let t = 0; t < expected.n_frames; t++) projector.project(volume.data, t * projector.volumeSize, byFrame, t * projector.nVertices);
    expect(Array.from(byFrame)).toEqual(Array.from(plain));
    expect(() => projector.project(volume.data, volume.data.length - 1)).toThrow(/project needs/);
    const masked = volToSurf(volume, mesh, { mask: niftiFdata(mask) });
    expect(maxDiff(masked, expected.masked)).toBeLessThan(1e-6);
    // The mask changes the result: more vertices have no sample left.
    expect(expected.masked.filter((v) => v === 'nan').length).toBeGreaterThan(expected.plain.filter((v) => v === 'nan').length);
  });

  it('reads the same mesh from a FreeSurfer binary and projects identically', async () => {
    const bold = await readNifti(join(dir, 'bold.nii.gz'));
    const gii = await readSurfaceMesh(join(dir, 'mesh.surf.gii'));
    const fs = await readSurfaceMesh(join(dir, 'lh.mesh'));
    expect(Array.from(fs.faces)).toEqual(Array.from(gii.faces));
    expect(Array.from(fs.coords)).toEqual(Array.from(gii.coords));
    const out = new Float32Array(expected.n_frames * expected.n_vertices);
    volToSurf({ data: niftiFdata(bold), shape: bold.header.shape, affine: bold.affine }, fs, { out });
    expect(maxDiff(out, expected.plain)).toBeLessThan(1e-5);
  });
});

describe('volToSurf', () => {
  const identity: Affine = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  // One triangle in the plane z = 2, normal +z (counter-clockwise seen from above).
  const triangle = { coords: [2, 2, 2, 3, 2, 2, 2, 3, 2], faces: [0, 1, 2] };

  it('averages samples along the normal: a volume linear in z gives the value at the vertex', () => {
    const shape = [6, 6, 6];
    const data = new Float64Array(216).map((_, i) => Math.floor(i / 36) * 10 + 1);
    const out = volToSurf({ data, shape, affine: identity }, triangle, { radius: 1.5, nSamples: 4 });
    // Samples at z = 3.5, 2.5, 1.5, 0.5: values 36, 26, 16, 6 → mean 21 = 10·2 + 1.
    expect(Array.from(out)).toEqual([21, 21, 21]);
  });

  it('extrapolates in the last cell and drops samples outside the grid (NaN when none is left)', () => {
    const shape = [3, 3, 3];
    const data = new Float64Array(27).map((_, i) => Math.floor(i / 9));
    // z = 2.5 is in [n−1, n): extrapolated from the last cell (value 2.5); z = 3.5 is outside.
    const high = { coords: [0, 0, 3, 1, 0, 3, 0, 1, 3], faces: [0, 1, 2] };
    expect(Array.from(volToSurf({ data, shape, affine: identity }, high, { radius: 0.5, nSamples: 2 }))).toEqual([2.5, 2.5, 2.5]);
    const outside = { coords: [0, 0, 9, 1, 0, 9, 0, 1, 9], faces: [0, 1, 2] };
    expect(Array.from(volToSurf({ data, shape, affine: identity }, outside)).every(Number.isNaN)).toBe(true);
  });

  it('refuses volumes and meshes of the wrong shape with coded errors', () => {
    const data = new Float64Array(8);
    expectVoxelwiseError(() => volToSurf({ data, shape: [2, 2, 3], affine: identity }, triangle), 'E_SHAPE_MISMATCH', /shape \[2, 2, 3\]/);
    expectVoxelwiseError(
      () => volToSurf({ data, shape: [2, 2, 2], affine: identity }, triangle, { mask: [1] }),
      'E_SHAPE_MISMATCH',
      /mask/,
    );
    expectVoxelwiseError(
      () => volToSurf({ data, shape: [2, 2, 2], affine: identity }, triangle, { nSamples: 0 }),
      'E_OPTIONS_INVALID',
      /nSamples/,
    );
    const singular = identity.map((row, r) => (r === 2 ? [0, 0, 0, 0] : row));
    expectVoxelwiseError(() => volToSurf({ data, shape: [2, 2, 2], affine: singular }, triangle), 'E_DATA_INVALID', /singular/);
  });

  it('names the file when a GIfTI holds no mesh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxelwise-v2s-'));
    try {
      const file = join(dir, 'map.func.gii');
      writeFileSync(
        file,
        '<?xml version="1.0" encoding="UTF-8"?><GIFTI Version="1.0" NumberOfDataArrays="1"><DataArray Intent="NIFTI_INTENT_NONE" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="2" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset=""><Data>1 2</Data></DataArray></GIFTI>',
      );
      await expect(readSurfaceMesh(file)).rejects.toMatchObject({
        code: 'E_FILE_FORMAT',
        message: expect.stringContaining('map.func.gii'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
