import { voxelwiseError, z } from '@voxelwise/core';
import type { BrainGeometry, EventSink } from '@voxelwise/core';
import { writeDirAtomic } from '@voxelwise/io';
import { encodeFreeSurferSurface, encodeGiftiFunc } from '@voxelwise/neuroimaging';
import { subjectLabel } from './bids-names.js';
import { parseGentleAlign } from './gentle.js';
import { NARRATIVES_TR, NARRATIVES_TRIM } from './narratives.js';
import { simDatasetDescription, simEventsTsv, simGroundTruthJson } from './simulate-bids.js';
import { simFileWriter } from './simulate-files.js';
import { parseSimulatorOptions } from './simulate-options.js';
import { brainSimOptions, icosphere, planBrainStories, simulateBrainResponses, simulationRoot } from './simulate-brain.js';
import type { BrainTruth } from './simulate-brain.js';
import type { SimTranscript } from './simulate-text.js';
import { SIM_VOLUME_SPACE, simulatedVolume, writeVolumeSeries } from './simulate-volume.js';

const WHERE = 'assembly:simulate';

/** Options of {@link writeSimulatedNarratives}. */
export const simulateNarrativesOptions = brainSimOptions
  .extend({
    /**
     * Icosahedron subdivisions of each hemisphere's mesh: 10·4^order + 2 vertices, as FreeSurfer's
     * fsaverage<order> (3: 642, 5: 10,242, 6: 40,962 = fsaverage6). The space is named `fsaverage<order>`.
     */
    icoOrder: z.number().int().min(1).max(7).default(3),
    /**
     * `fsaverage`: surface series on the icosahedral meshes; `MNI152NLin2009cAsym`: volume series
     * with brain masks on an MNI-like grid (`shape`, `voxelSize`), as fMRIPrep's volume outputs.
     */
    space: z.enum(['fsaverage', 'MNI152NLin2009cAsym']).default('fsaverage'),
    /** Volume only: voxels along x, y, z. */
    shape: z.tuple([z.number().int().min(4), z.number().int().min(4), z.number().int().min(4)]).default([20, 24, 20]),
    /** Volume only: voxel size, mm (also the `res-` entity). */
    voxelSize: z.number().positive().default(4),
    /** Radius of the planted region: degrees of arc on the left hemisphere's sphere (default 30), or mm in a volume (default 12). */
    regionRadius: z.number().positive().optional(),
  })
  .strict();

/** Options of the Narratives simulator, as written by users. */
export type SimulateNarrativesOptions = z.input<typeof simulateNarrativesOptions>;

/** What a brain-layout simulator wrote. */
export interface SimulatedDataset {
  /** The dataset root. */
  readonly root: string;
  /** `sub-<label>`. */
  readonly subject: string;
  /** Story names the importer will give (tasks, or `<task>_run-<r>`). */
  readonly stories: readonly string[];
  /** Every file written, relative to the root. */
  readonly files: readonly string[];
  /** The planted region (columns in the importer's column order) and model. */
  readonly truth: BrainTruth;
  /** The surface or volume space of the responses. */
  readonly space: string;
}

/** Options of the writers. */
export interface WriteBrainSimOptions {
  overwrite?: boolean;
  emit?: EventSink;
  signal?: AbortSignal;
}

/** Task names of ds002345, used for simulated stories in order (then `story<k>`). */
const NARRATIVES_TASKS = [
  'pieman',
  'tunnel',
  'lucy',
  'prettymouth',
  'milkyway',
  'slumlordreach',
  'merlin',
  'sherlock',
  'notthefallintact',
  '21styear',
];

/** The Gentle `align.json` of a transcript: spoken words, some marked `not-found-in-audio` (no times). */
function gentleJson(transcript: SimTranscript, rng: { next(): number }, unalignedFraction: number): string {
  const spoken = transcript.intervals.filter((iv) => iv.kind === 'word');
  let text = '';
  const words = spoken.map((iv, j) => {
    const startOffset = text.length + (j > 0 ? 1 : 0);
    text += (j > 0 ? ' ' : '') + iv.text;
    const base = { word: iv.text, startOffset, endOffset: startOffset + iv.text.length };
    // The first and last words stay aligned so every run of unaligned words has aligned neighbours.
    if (j > 0 && j < spoken.length - 1 && rng.next() < unalignedFraction) return { case: 'not-found-in-audio', ...base };
    return { alignedWord: iv.text.toLowerCase(), case: 'success', end: iv.xmax, start: iv.xmin, phones: [], ...base };
  });
  return `${JSON.stringify({ transcript: text, words }, null, 1)}\n`;
}

/** Pial-like and inflated coordinates of a hemisphere from unit-sphere vertices (mm, RAS). */
function hemisphereCoords(unit: Float64Array, hemi: 'L' | 'R', kind: 'pial' | 'inflated' | 'sphere'): Float32Array {
  const n = unit.length / 3;
  const out = new Float32Array(unit.length);
  const cx = hemi === 'L' ? -36 : 36;
  for (let v = 0; v < n; v++) {
    const x = unit[3 * v]!;
    const y = unit[3 * v + 1]!;
    const zz = unit[3 * v + 2]!;
    if (kind === 'sphere') {
      out.set([100 * x, 100 * y, 100 * zz], 3 * v);
      continue;
    }
    // Folds on the pial surface only: a smooth ripple of the ellipsoid's radius.
    const w = kind === 'pial' ? 0.06 * Math.sin(6 * Math.atan2(y, x)) * Math.sin(5 * Math.acos(Math.max(-1, Math.min(1, zz)))) : 0.12;
    out.set([cx + 32 * x * (1 + w), -18 + 68 * y * (1 + w), 12 + 45 * zz * (1 + w)], 3 * v);
  }
  return out;
}

/**
 * Writes a simulated Narratives subject exactly as OpenNeuro ds002345 lays it out: for each task
 * `stimuli/gentle/<task>/align.json` (Gentle words, a few `not-found-in-audio`), the raw
 * `sub-<s>/func/sub-<s>_task-<task>_events.tsv` (stimulus onset after a lead-in), and the fMRIPrep
 * surface series `derivatives/fmriprep/sub-<s>/func/sub-<s>_task-<task>_space-fsaverage<k>_hemi-{L,R}_bold.func.gii`
 * (one DataArray per TR, untrimmed; TR 1.5 s); the meshes `derivatives/freesurfer/fsaverage<k>/surf/{lh,rh}.{pial,inflated,sphere}`;
 * and `simulation/ground-truth.json`: the planted region (a cap of `regionRadius` degrees on the
 * left hemisphere's lateral side) as column indices in the importer's order (L vertices, then R).
 * The words the planted model sees are the ones `openNarratives` reads back. The root appears only when complete.
 *
 * @example
 * const sim = await writeSimulatedNarratives({ seed: 1 }, '/tmp/ds002345');
 * const assembly = await openNarratives({ root: sim.root, subject: sim.subject, space: sim.space });
 */
export async function writeSimulatedNarratives(
  options: SimulateNarrativesOptions,
  root: string,
  write: WriteBrainSimOptions = {},
): Promise<SimulatedDataset> {
  const o = parseSimulatorOptions(simulateNarrativesOptions, options);
  const label = subjectLabel(o.subject ?? '001');
  const sub = `sub-${label}`;
  const volume = o.space === 'MNI152NLin2009cAsym';
  const space = volume ? SIM_VOLUME_SPACE : `fsaverage${o.icoOrder}`;
  const radius = o.regionRadius ?? (volume ? 12 : 30);
  if (!volume && radius > 90) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: 'option "regionRadius": at most 90 degrees on a surface',
      got: radius,
    });
  }
  const n = o.stories ?? 4;
  const tasks = Array.from({ length: n }, (_, k) => NARRATIVES_TASKS[k] ?? `story${k + 1}`);
  const rng = simulationRoot(o.seed, 'narratives');
  const aligns = new Map<string, string>();
  const stories = planBrainStories(rng, tasks, o.duration ?? 300, NARRATIVES_TR, NARRATIVES_TRIM, (name, r, transcript) => {
    const json = gentleJson(transcript, r, o.unalignedFraction);
    aligns.set(name, json);
    return parseGentleAlign(new TextEncoder().encode(json), `${name}/align.json`).words;
  });
  const sphere = volume ? null : icosphere(o.icoOrder);
  const vol = volume ? simulatedVolume(o.shape, o.voxelSize, radius) : null;
  const nv = sphere ? sphere.coords.length / 3 : 0;
  const nColumns = vol ? vol.columns.length : 2 * nv;
  const surfaceRegion = (): { inRegion: (col: number) => boolean; center: [number, number, number] } => {
    const unit = sphere!.coords;
    // The planted cap: lateral, inferior and anterior on the left hemisphere (roughly the temporal lobe).
    const c = [-0.8, 0.25, -0.35];
    const cn = Math.hypot(c[0]!, c[1]!, c[2]!);
    const cosR = Math.cos((radius * Math.PI) / 180);
    const dot = (v: number) => (unit[3 * v]! * c[0]! + unit[3 * v + 1]! * c[1]! + unit[3 * v + 2]! * c[2]!) / cn;
    const pialL = hemisphereCoords(unit, 'L', 'pial');
    let best = 0;
    for (let v = 1; v < nv; v++) if (dot(v) > dot(best)) best = v;
    return { inRegion: (col) => col < nv && dot(col) >= cosR, center: [pialL[3 * best]!, pialL[3 * best + 1]!, pialL[3 * best + 2]!] };
  };
  const region = vol ? { inRegion: vol.inRegion, center: vol.center } : surfaceRegion();
  const { responder, plans, truth } = simulateBrainResponses(o, rng, stories, nColumns, region.inRegion, {
    center: region.center,
    radius,
    unit: vol ? 'mm' : 'deg',
    ...(vol ? {} : { hemi: 'L' as const }),
  });
  const geometry: BrainGeometry = vol
    ? vol.geometry
    : {
        kind: 'surface',
        space,
        hemispheres: [
          { hemi: 'L', nVertices: nv },
          { hemi: 'R', nVertices: nv },
        ],
      };
  return writeDirAtomic(
    root,
    async (tmp) => {
      const { files, put, place } = simFileWriter(tmp);
      await put('dataset_description.json', simDatasetDescription('Narratives', 'writeSimulatedNarratives'));
      for (const hemi of sphere ? (['L', 'R'] as const) : []) {
        const h = hemi === 'L' ? 'lh' : 'rh';
        for (const kind of ['pial', 'inflated', 'sphere'] as const) {
          await put(
            `derivatives/freesurfer/${space}/surf/${h}.${kind}`,
            encodeFreeSurferSurface(hemisphereCoords(sphere!.coords, hemi, kind), sphere!.faces),
          );
        }
      }
      const t0 = Date.now();
      write.emit?.({ type: 'stage:start', stage: 'assembly/simulate-narratives', time: t0 });
      for (const [i, s] of stories.entries()) {
        if (write.signal?.aborted)
          throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'simulation interrupted; nothing was written' });
        await put(`stimuli/gentle/${s.name}/align.json`, aligns.get(s.name)!);
        await put(`${sub}/func/${sub}_task-${s.name}_events.tsv`, simEventsTsv(s, NARRATIVES_TR, 'story'));
        const Y = responder.repeatBlock(plans[i]!, 0, 0, nColumns);
        if (vol) {
          const stem = `derivatives/fmriprep/${sub}/func/${sub}_task-${s.name}_space-${space}_res-${o.voxelSize}`;
          await put(`${stem}_desc-brain_mask.nii.gz`, vol.maskBytes);
          await writeVolumeSeries(await place(`${stem}_desc-preproc_bold.nii.gz`), vol, Y, s.nTRs, NARRATIVES_TR, WHERE);
        }
        for (const [hemi, offset] of vol
          ? []
          : ([
              ['L', 0],
              ['R', nv],
            ] as const)) {
          const maps = Array.from({ length: s.nTRs }, (_, t) => ({ data: Y.slice(t * 2 * nv + offset, t * 2 * nv + offset + nv) }));
          await put(
            `derivatives/fmriprep/${sub}/func/${sub}_task-${s.name}_space-${space}_hemi-${hemi}_bold.func.gii`,
            encodeGiftiFunc(maps, { hemisphere: hemi === 'L' ? 'left' : 'right', intent: 'NIFTI_INTENT_TIME_SERIES' }),
          );
        }
        write.emit?.({
          type: 'stage:progress',
          stage: 'assembly/simulate-narratives',
          done: i + 1,
          total: stories.length,
          unit: 'tasks',
          message: s.name,
        });
      }
      await put(
        'simulation/ground-truth.json',
        simGroundTruthJson({ layout: 'narratives', subject: sub, space, geometry, options: o, stories, truth }),
      );
      write.emit?.({ type: 'stage:end', stage: 'assembly/simulate-narratives', durationMs: Date.now() - t0 });
      return { root, subject: sub, stories: [...tasks].sort(), files, truth, space };
    },
    { overwrite: write.overwrite ?? false, where: WHERE },
  );
}
