import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineStage, z } from '@voxelwise/core';
import type { BrainGeometry } from '@voxelwise/core';
import { icosphere, simulatedStage } from '@voxelwise/assembly';
import { encodeFreeSurferSurface } from '@voxelwise/neuroimaging';

/** Centre of the planted patch of each hemisphere: on its lateral side (−x left, +x right). */
const PATCH_CENTRE: Record<'L' | 'R', [number, number, number]> = { L: [-70, 10, 10], R: [70, -10, 10] };

/**
 * A `simulated` subject laid out on two ellipsoid "hemispheres" (icosphere level 2, 162 vertices
 * each): the simulator chooses which columns carry signal, and this places those columns on the
 * vertices nearest a lateral patch, so the planted signal forms one region per hemisphere. Meshes
 * are FreeSurfer files in `meshDir`; the geometry names them as pial meshes.
 */
export function surfaceSubjectStage(meshDir: string) {
  const simOptions = simulatedStage.options;
  return defineStage({
    kind: 'assembly-source',
    name: 'simulated-surface',
    description: 'a simulated subject whose planted voxels form a patch on a generated surface',
    options: z.object({ seed: z.number().int().default(0) }).strict(),
    create: (o, ctx) => ({
      id: `simulated-surface:${o.seed}`,
      load: async (loadCtx = ctx) => {
        const options = simOptions.parse({
          seed: o.seed,
          stories: 4,
          duration: 240,
          voxels: 324,
          plantedFraction: 0.2,
          snrMin: 1,
          snrMax: 4,
        });
        const inner = await (await simulatedStage.create(options as never, loadCtx)).load(loadCtx);
        const truth = inner.metadata['groundTruth'] as { planted: number[] };
        const sphere = icosphere(2);
        const nV = sphere.coords.length / 3;
        const hemispheres = (['L', 'R'] as const).map((hemi, h) => {
          const centre = PATCH_CENTRE[hemi];
          const position = (v: number) => [
            sphere.coords[3 * v]! * 30 + (hemi === 'L' ? -40 : 40),
            sphere.coords[3 * v + 1]! * 70,
            sphere.coords[3 * v + 2]! * 50,
          ];
          const byDistance = Array.from({ length: nV }, (_, v) => v).sort(
            (a, b) => Math.hypot(...position(a).map((x, i) => x - centre[i]!)) - Math.hypot(...position(b).map((x, i) => x - centre[i]!)),
          );
          const columns = Array.from({ length: nV }, (_, j) => j);
          const planted = columns.filter((j) => truth.planted[h * nV + j] === 1);
          const rest = columns.filter((j) => truth.planted[h * nV + j] !== 1);
          // Sphere vertex byDistance[i] becomes column (planted first, nearest the patch centre).
          const columnOf = new Int32Array(nV);
          [...planted, ...rest].forEach((j, i) => (columnOf[byDistance[i]!] = j));
          const coords = new Array<number>(nV * 3);
          for (let v = 0; v < nV; v++) position(v).forEach((x, i) => (coords[3 * columnOf[v]! + i] = x));
          const file = join(meshDir, `${hemi === 'L' ? 'lh' : 'rh'}.pial`);
          writeFileSync(
            file,
            encodeFreeSurferSurface(
              Float32Array.from(coords),
              sphere.faces.map((v) => columnOf[v]!),
            ),
          );
          return { hemi, nVertices: nV, meshes: { pial: file } };
        });
        const geometry: BrainGeometry = { kind: 'surface', space: 'simulated', hemispheres };
        return {
          metadata: { ...inner.metadata, geometry },
          storyNames: inner.storyNames,
          testStories: inner.testStories,
          story: (name: string) => inner.story(name),
        };
      },
    }),
  });
}
