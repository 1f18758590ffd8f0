import { isAbsolute, resolve } from 'node:path';
import { brainGeometrySchema, voxelwiseError } from '@voxelwise/core';
import type { BrainGeometry } from '@voxelwise/core';

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
    };
  }
  return g;
}
