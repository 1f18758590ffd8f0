import { describe, expect, it } from 'vitest';
import { brainGeometrySchema } from '../src/index.js';
import type { BrainGeometry } from '../src/index.js';

describe('brainGeometrySchema', () => {
  it('reads back a surface and a volume geometry as written', () => {
    const surface: BrainGeometry = {
      kind: 'surface',
      space: 'fsaverage5',
      hemispheres: [
        { hemi: 'L', nVertices: 10242, meshes: { pial: '/d/lh.pial', inflated: '/d/lh.inflated' } },
        { hemi: 'R', nVertices: 10242 },
      ],
    };
    const affine = [2, 0, 0, -96, 0, 2, 0, -132, 0, 0, 2, -78, 0, 0, 0, 1];
    const volume: BrainGeometry = {
      kind: 'volume',
      space: 'MNI152NLin2009cAsym',
      shape: [97, 115, 97],
      affine,
      zooms: [2, 2, 2],
      maskFile: '/d/mask.nii.gz',
    };
    expect(brainGeometrySchema.parse(JSON.parse(JSON.stringify(surface)))).toEqual(surface);
    expect(brainGeometrySchema.parse(JSON.parse(JSON.stringify(volume)))).toEqual(volume);
  });

  it('rejects an unknown kind, a hemisphere other than L/R, and an affine that is not 4×4', () => {
    expect(brainGeometrySchema.safeParse({ kind: 'graph', space: 'x' }).success).toBe(false);
    expect(brainGeometrySchema.safeParse({ kind: 'surface', space: 'fsaverage', hemispheres: [{ hemi: 'X', nVertices: 3 }] }).success).toBe(
      false,
    );
    expect(brainGeometrySchema.safeParse({ kind: 'volume', shape: [2, 2, 2], affine: [1, 0, 0] }).success).toBe(false);
    expect(brainGeometrySchema.safeParse({ kind: 'volume', shape: [2, 0, 2], affine: new Array(16).fill(0) }).success).toBe(false);
  });
});
