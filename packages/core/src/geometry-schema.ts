import { z } from 'zod';
import type { BrainGeometry } from './assembly.js';

/**
 * The JSON form of {@link BrainGeometry} (assembly manifests' `metadata.geometry`, run.json's
 * `assembly.geometry`): surface hemispheres in column order with optional mesh files, or a volume
 * grid, its affine and mask. One schema, so every reader accepts the same geometries.
 */
export const brainGeometrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('surface'),
    space: z.string(),
    hemispheres: z.array(
      z.object({
        hemi: z.enum(['L', 'R']),
        nVertices: z.number().int().nonnegative(),
        meshes: z
          .object({
            pial: z.string().optional(),
            white: z.string().optional(),
            inflated: z.string().optional(),
            midthickness: z.string().optional(),
            sphere: z.string().optional(),
          })
          .optional(),
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
]) satisfies z.ZodType<BrainGeometry>;
