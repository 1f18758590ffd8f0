import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeNifti1 } from '@voxelwise/neuroimaging';
import { train, writeReport } from '../src/index.js';
import { encodePng } from '../src/report/brain-map-png.js';
import { glassBrain, paint } from '../src/report/brain-map-raster.js';
import { testRegistry } from './helpers/registry.js';

/** Reads back an 8-bit RGB PNG of filter-0 rows (what encodePng writes). */
function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const idatLength = view.getUint32(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLength));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (1 + 3 * width)]).toBe(0);
    rgb.set(raw.subarray(y * (1 + 3 * width) + 1, (y + 1) * (1 + 3 * width)), y * 3 * width);
  }
  return { width, height, rgb };
}

describe('brain map pictures', () => {
  it('encodes RGB pixels as a PNG that inflates back to the same rows', () => {
    const rgb = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const back = decodePng(encodePng(rgb, 5, 3));
    expect([back.width, back.height]).toEqual([5, 3]);
    expect(Array.from(back.rgb)).toEqual(Array.from(rgb));
  });

  it('glass brain: a planted box shows where it lies, in each plane, following the affine', () => {
    const shape = [6, 5, 4] as const;
    const n = 6 * 5 * 4;
    // Box at x ∈ {0, 1}, y ∈ {3, 4}, z ∈ {2, 3}: left, anterior, superior with an identity affine.
    const values = Float64Array.from({ length: n }, (_, i) => {
      const [x, y, z] = [i % 6, Math.floor(i / 6) % 5, Math.floor(i / 30)];
      return x <= 1 && y >= 3 && z >= 2 ? 0.8 : 0.01;
    });
    const show = Uint8Array.from(values, (v) => (v > 0.5 ? 1 : 0));
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const layout = { shape, affine: identity, indices: Uint32Array.from({ length: n }, (_, i) => i) };
    const colouredCells = (plane: 'sagittal' | 'coronal' | 'axial', affine = identity) => {
      const p = glassBrain({ ...layout, affine }, plane, values, 60, show);
      const rgb = paint(p.cell, undefined, values, 0.8, show);
      // Where the colour is, as fractions of the picture: [left, right, top, bottom].
      let [l, r, t, b] = [1, 0, 1, 0];
      for (let q = 0; q < p.cell.length; q++) {
        if (rgb[3 * q] === rgb[3 * q + 2]) continue;
        const [x, y] = [(q % p.width) / p.width, Math.floor(q / p.width) / p.height];
        [l, r, t, b] = [Math.min(l, x), Math.max(r, x), Math.min(t, y), Math.max(b, y)];
      }
      return { l, r, t, b };
    };
    // Axial: x to the right, y up → box at the left, top.
    const axial = colouredCells('axial');
    expect(axial.r).toBeLessThan(2 / 6);
    expect(axial.b).toBeLessThan(2 / 5);
    // Sagittal: y to the right, z up → box at the right, top.
    const sagittal = colouredCells('sagittal');
    expect(sagittal.l).toBeGreaterThanOrEqual(3 / 5 - 1e-9);
    expect(sagittal.b).toBeLessThan(2 / 4);
    // A flipped x axis (LAS) puts voxel x = 0 on the right of the axial and coronal pictures.
    const flipped = colouredCells('coronal', [-1, 0, 0, 5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(flipped.l).toBeGreaterThanOrEqual(4 / 6 - 1e-9);
  });
});

describe('brain map in the report', () => {
  it('draws glass brains for a volume run, and notes a surface mesh that does not read instead of failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-brain-vol-'));
    const result = await train(
      {
        name: 'vol',
        outDir: dir,
        assembly: { name: 'simulated', options: { seed: 1, stories: 3, duration: 120, voxels: 24 } },
        features: [{ name: 'wordrate' }],
      },
      { registry: testRegistry() },
    );
    const mask = join(dir, 'mask.nii.gz');
    await writeNifti1(mask, { data: Uint8Array.from({ length: 36 }, (_, i) => (i % 3 === 1 ? 0 : 1)), shape: [4, 3, 3] });
    const runJson = join(result.runDir, 'run.json');
    const run = JSON.parse(readFileSync(runJson, 'utf8')) as { assembly: Record<string, unknown> };
    const withGeometry = (geometry: unknown) => writeFileSync(runJson, JSON.stringify({ ...run, assembly: { ...run.assembly, geometry } }));

    withGeometry({ kind: 'volume', shape: [4, 3, 3], affine: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1], maskFile: mask });
    const html = readFileSync(await writeReport(result.runDir), 'utf8');
    expect(html).toContain('<section id="brain-map">');
    for (const view of ['sagittal', 'coronal', 'axial']) expect(html).toContain(`data-map="r" data-view="${view}"`);

    withGeometry({
      kind: 'surface',
      space: 'fsaverage5',
      hemispheres: [{ hemi: 'L', nVertices: 24, meshes: { pial: join(dir, 'no-such.pial') } }],
    });
    const noted = readFileSync(await writeReport(result.runDir), 'utf8');
    expect(noted).toContain('Hemisphere L not drawn');
    expect(noted).toContain('no-such.pial');
    expect(noted).not.toContain('<img class="brain-map"');
  });
});
