import { isAbsolute, resolve } from 'node:path';
import { voxelwiseError, z } from '@voxelwise/core';
import type { BrainGeometry } from '@voxelwise/core';

const meshKinds = z.enum(['pial', 'white', 'inflated', 'midthickness', 'sphere']);

/** The stored form of core's `BrainGeometry` (assembly.json `metadata.geometry`). */
const brainGeometrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('surface'),
    space: z.string(),
    hemispheres: z.array(
      z.object({
        hemi: z.enum(['L', 'R']),
        nVertices: z.number().int().nonnegative(),
        meshes: z.partialRecord(meshKinds, z.string()).optional(),
      }),
    ),
  }),
  z.object({
    kind: z.literal('volume'),
    space: z.string().optional(),
    shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
    affine: z.array(z.number()).length(16),
    zooms: z.tuple([z.number(), z.number(), z.number()]).optional(),
    maskFile: z.string().optional(),
    referenceFile: z.string().optional(),
  }),
]);

/**
 * The geometry recorded in a native assembly's manifest, checked and with file paths made
 * absolute: a mask stored inside the assembly directory is recorded relative to it (so the
 * directory can move) and resolved against `dir` here. An invalid entry is `E_FILE_FORMAT` naming
 * the manifest.
 */
export function readGeometry(value: unknown, dir: string, manifestFile: string): BrainGeometry | undefined {
  if (value === undefined) return undefined;
  const parsed = brainGeometrySchema.safeParse(value);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:native',
      message: `${manifestFile}: metadata.geometry is not a surface or volume geometry`,
      details: { file: manifestFile },
    });
  }
  const g = parsed.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  if (g.kind === 'volume') {
    return {
      ...g,
      ...(g.maskFile ? { maskFile: abs(g.maskFile) } : {}),
      ...(g.referenceFile ? { referenceFile: abs(g.referenceFile) } : {}),
    } as BrainGeometry;
  }
  return g as BrainGeometry;
}
