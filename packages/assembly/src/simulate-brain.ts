import { createRng, voxelwiseError, wordMidpoints, z } from '@voxelwise/core';
import type { Rng, WordTable } from '@voxelwise/core';
import { lanczosResample } from './lanczos.js';
import { builtinFeatures, delayedZscored } from './simulate-features.js';
import type { ResolvedSimulateOptions } from './simulate-options.js';
import { createResponder } from './simulate-responses.js';
import type { Responder } from './simulate-responses.js';
import type { StoryPlan } from './simulate-stories.js';
import { simulateTranscript } from './simulate-text.js';
import { plantWeights, pooledCovariance } from './simulate-weights.js';
import { SIMULATION_DELAYS } from './simulate.js';

/** Options shared by the Narratives and Le Petit Prince simulators. */
export const brainSimOptions = z
  .object({
    /** Seed of every random draw. */
    seed: z.number().int().default(0),
    /** Subject label (with or without `sub-`). @default `001` (Narratives), `EN001` (LPP) */
    subject: z.string().min(1).optional(),
    /** Stories: Narratives tasks, or LPP runs (the real dataset has 9). */
    stories: z.number().int().min(2).optional(),
    /** Seconds of speech per story (each varies by ±15 %). */
    duration: z.number().positive().optional(),
    /** Word-level features of the planted model. */
    features: z.enum(['wordrate', 'embedding']).default('wordrate'),
    embeddingDim: z.number().int().positive().default(8),
    /** Planted columns draw their SNR (signal sd / noise sd) log-uniformly from [snrMin, snrMax]. */
    snrMin: z.number().positive().default(0.5),
    snrMax: z.number().positive().default(3),
    /** AR(1) coefficient of the noise. */
    ar1: z.number().min(0).max(0.99).default(0.3),
    /** Fraction of transcript words the aligner "did not find in the audio" (Narratives). */
    unalignedFraction: z.number().min(0).max(0.5).default(0.02),
  })
  .strict();

/** Options shared by the brain-layout simulators, as written by users. */
export type BrainSimOptions = z.input<typeof brainSimOptions>;

/** One simulated story of a brain layout: words as the importer will read them, the full TR grid. */
export interface BrainStory {
  name: string;
  /** Words exactly as the importer reads them back (so the planted model sees the same times). */
  words: WordTable;
  /** Seconds from the start of the scan to the start of the audio. */
  onset: number;
  /** Time points of the run (untrimmed). */
  nTRs: number;
  trTimes: Float64Array;
}

/** The planted region and model of a brain-layout simulation. */
export interface BrainTruth {
  /** Columns carrying signal (sorted). */
  readonly planted: readonly number[];
  /** SNR (signal sd / noise sd) of each planted column, same order. */
  readonly snr: readonly number[];
  /** Where the region is: centre (mm, world) and radius (mm, or degrees on the sphere for surfaces). */
  readonly region: {
    readonly center: readonly [number, number, number];
    readonly radius: number;
    readonly unit: 'mm' | 'deg';
    readonly hemi?: 'L' | 'R';
  };
  readonly features: string;
  readonly delays: readonly number[];
}

/**
 * Plans simulated stories: a transcript per story (the LeBel simulator's word model), handed to
 * `toWords` which writes it in the layout's format and reads it back with the layout's parser,
 * and a TR grid long enough for the run's lead-in, the speech and the trims.
 */
export function planBrainStories(
  root: Rng,
  names: readonly string[],
  duration: number,
  tr: number,
  trimStartEnd: { start: number; end: number },
  toWords: (name: string, rng: Rng, transcript: ReturnType<typeof simulateTranscript>) => WordTable,
): BrainStory[] {
  return names.map((name) => {
    const rs = root.fork(`story/${name}`);
    const transcript = simulateTranscript(rs.fork('text'), duration * (0.85 + 0.3 * rs.next()));
    const words = toWords(name, rs.fork('format'), transcript);
    // A lead-in before the audio (music or silence in the real datasets), on the scan clock.
    const onset = Math.round((2 + 4 * rs.next()) * 100) / 100;
    const nTRs = Math.ceil((onset + transcript.end + 15) / tr) + trimStartEnd.end + 2;
    const trTimes = Float64Array.from({ length: nTRs }, (_, k) => (k + 0.5) * tr - onset);
    return { name, words, onset, nTRs, trTimes };
  });
}

/** The responses of a simulated subject: per story the full run (every TR), rows × columns float32. */
export interface BrainResponses {
  readonly responder: Responder;
  readonly plans: StoryPlan[];
  readonly truth: BrainTruth;
}

/**
 * Phases 2–3 of the LeBel simulator reused on a brain geometry: features of the words resampled
 * to each story's grid (Lanczos, window 3), z-scored and delayed; a planted linear model
 * (`plantWeights`) kept only in the `inRegion` columns; AR(1) noise everywhere
 * (`createResponder`), on every TR of the run, so the files hold untrimmed runs as fMRIPrep writes them.
 */
export function simulateBrainResponses(
  o: z.output<typeof brainSimOptions>,
  root: Rng,
  stories: readonly BrainStory[],
  nColumns: number,
  inRegion: (column: number) => boolean,
  region: BrainTruth['region'],
): BrainResponses {
  const sim = {
    seed: o.seed,
    stories: stories.length,
    duration: 0,
    voxels: nColumns,
    plantedFraction: 1,
    tr: 0,
    features: o.features,
    embeddingDim: o.embeddingDim,
    snrMin: o.snrMin,
    snrMax: o.snrMax,
    ar1: o.ar1,
    testRepeats: 1,
    testStory: '',
  } satisfies ResolvedSimulateOptions;
  if (o.snrMax < o.snrMin) {
    throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where: 'assembly:simulate', message: 'snrMax must be at least snrMin' });
  }
  const plans: StoryPlan[] = [];
  let f = 0;
  let columns: readonly string[] = [];
  for (const s of stories) {
    const fs = builtinFeatures(sim, root, s.words);
    const onGrid = lanczosResample({ data: fs.data, dataTimes: wordMidpoints(s.words), trTimes: s.trTimes }, 3, 1);
    f = onGrid.cols;
    columns = fs.columns ?? [];
    plans.push({
      name: s.name,
      words: s.words,
      trTimes: s.trTimes,
      X: delayedZscored(onGrid, SIMULATION_DELAYS),
      nRows: s.nTRs,
      repeats: 1,
    });
  }
  const p = f * SIMULATION_DELAYS.length;
  const cov = pooledCovariance(plans, p, 0);
  const model = plantWeights(sim, root, cov, f, SIMULATION_DELAYS.length);
  const planted: number[] = [];
  const snr: number[] = [];
  for (let v = 0; v < nColumns; v++) {
    if (inRegion(v) && model.planted[v]) {
      planted.push(v);
      snr.push(model.snr[v]!);
      continue;
    }
    model.planted[v] = 0;
    model.snr[v] = 0;
    model.noiseSd[v] = 1;
    for (let a = 0; a < p; a++) model.W[a * nColumns + v] = 0;
  }
  const responder = createResponder(model, root, { p, voxels: nColumns, ar1: o.ar1, start: 0 });
  return {
    responder,
    plans,
    truth: { planted, snr, region, features: columns.join(',') || o.features, delays: [...SIMULATION_DELAYS] },
  };
}

/** A triangulated unit sphere: the icosahedron subdivided `order` times (10·4^order + 2 vertices, as FreeSurfer's fsaverage meshes). */
export function icosphere(order: number): { coords: Float64Array; faces: Int32Array } {
  const t = (1 + Math.sqrt(5)) / 2;
  const verts: number[][] = [
    [-1, t, 0],
    [1, t, 0],
    [-1, -t, 0],
    [1, -t, 0],
    [0, -1, t],
    [0, 1, t],
    [0, -1, -t],
    [0, 1, -t],
    [t, 0, -1],
    [t, 0, 1],
    [-t, 0, -1],
    [-t, 0, 1],
  ].map(([x, y, zz]) => {
    const n = Math.hypot(x!, y!, zz!);
    return [x! / n, y! / n, zz! / n];
  });
  // prettier-ignore
  let faces: number[][] = [
    [0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2], [10, 7, 6], [7, 1, 8],
    [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1],
  ];
  for (let k = 0; k < order; k++) {
    const mid = new Map<string, number>();
    const midpoint = (a: number, b: number): number => {
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let m = mid.get(key);
      if (m === undefined) {
        const [ax, ay, az] = verts[a]!;
        const [bx, by, bz] = verts[b]!;
        const x = ax! + bx!;
        const y = ay! + by!;
        const zz = az! + bz!;
        const n = Math.hypot(x, y, zz);
        m = verts.push([x / n, y / n, zz / n]) - 1;
        mid.set(key, m);
      }
      return m;
    };
    const next: number[][] = [];
    for (const [a, b, c] of faces) {
      const ab = midpoint(a!, b!);
      const bc = midpoint(b!, c!);
      const ca = midpoint(c!, a!);
      next.push([a!, ab, ca], [b!, bc, ab], [c!, ca, bc], [ab, bc, ca]);
    }
    faces = next;
  }
  return { coords: Float64Array.from(verts.flat()), faces: Int32Array.from(faces.flat()) };
}

/** A root generator of a brain-layout simulation. */
export function simulationRoot(seed: number, layout: string): Rng {
  return createRng(seed).fork(layout);
}
