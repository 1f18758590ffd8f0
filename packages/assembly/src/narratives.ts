import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { voxelwiseError, wordMidpoints } from '@voxelwise/core';
import type { Assembly, AssemblyMetadata, BrainGeometry, EventSink, ResponseTrim, Story, SurfaceHemisphere } from '@voxelwise/core';
import type { VolumeMask } from '@voxelwise/neuroimaging';
import { subjectLabel } from './bids-names.js';
import { findRuns, isSurfaceSpace, resolveTrim, stimulusGrid, stimulusOnset, simulatedTruth, subjectFuncDir } from './bids-dataset.js';
import type { Run } from './bids-dataset.js';
import { readRunRows, runReader, runShapes, volumeGeometry, volumeMask } from './bold-files.js';
import type { RunFiles } from './bold-files.js';
import { parseGentleAlign } from './gentle.js';
import type { UnalignedPolicy } from './gentle.js';
import { sourceFile } from './hash.js';
import { readSource } from './read-source.js';
import { checkSourceStory } from './source-timing.js';
import { storyCache } from './story-cache.js';
import { checkTestStories, unknownStory } from './story-checks.js';

const WHERE = 'assembly:narratives';

/** Narratives (OpenNeuro ds002345) repetition time, seconds (Nastase et al. 2021, Scientific Data 8:250). */
export const NARRATIVES_TR = 1.5;

/**
 * LITcoder's Narratives trimming, `[14:-9]` (GT-LIT-Lab/litcoder_core `unified.py`,
 * `DATASET_CONFIGS["narratives"]`, features and targets alike): the first 14 and last 9 TRs of a
 * run have no response row.
 */
export const NARRATIVES_TRIM: ResponseTrim = { start: 14, end: 9 };

/** Named trims of {@link NarrativesOptions.trim}. */
export const NARRATIVES_TRIMS = { litcoder: NARRATIVES_TRIM, none: { start: 0, end: 0 } } as const;

/** Options of {@link openNarratives} (and of the `narratives` assembly source). */
export interface NarrativesOptions {
  /** The ds002345 folder (holds `stimuli/` and `derivatives/`). */
  root: string;
  /** Subject, `sub-001` or `001`. */
  subject: string;
  /**
   * fMRIPrep output space: a surface (`fsaverage6`, `fsaverage5`, `fsnative`) reads
   * `…_space-<space>_hemi-{L,R}[_bold].func.gii`; a volume space (`MNI152NLin2009cAsym`) reads
   * `…_space-<space>[_res-<res>]_desc-preproc_bold.nii.gz` with its brain mask.
   * @default 'fsaverage6'
   */
  space?: string;
  /** Volume resolution entity (`res-2`, `res-native`) when the folder holds several. */
  res?: string;
  /** Derivatives pipeline folder under `derivatives/`. @default 'fmriprep' */
  pipeline?: string;
  /** The `desc` entity of the BOLD files. @default 'preproc' for volumes, none for surfaces */
  desc?: string;
  /** Tasks (stories) to use, in this order. @default every task of the subject that has BOLD files and an align.json (sorted) */
  tasks?: readonly string[];
  /** Tasks held out for testing. @default none: Narratives runs in nested cross-validation */
  testTasks?: readonly string[];
  /** Repetition time, seconds. @default 1.5 */
  tr?: number;
  /** Rows dropped at each end of a run: `litcoder` ([14:-9]), `none`, or explicit. @default 'litcoder' */
  trim?: keyof typeof NARRATIVES_TRIMS | ResponseTrim;
  /** Transcript words Gentle did not align: `interpolate` (kept, timed between neighbours) or `drop`. @default 'interpolate' */
  unaligned?: UnalignedPolicy;
  /** Volume only: a brain mask to use for every run instead of the intersection of the runs' masks. */
  mask?: string;
  /** Surface only: a FreeSurfer subject folder of the space's meshes. @default `derivatives/freesurfer/<space>` when present */
  meshDir?: string;
  /** Receives log events (stories skipped, unaligned words, TR differences). */
  emit?: EventSink;
}

/** Mesh files of a surface space found in a FreeSurfer subject folder (`surf/lh.pial`, …). */
function findMeshes(dir: string | undefined, hemi: 'L' | 'R'): SurfaceHemisphere['meshes'] {
  if (!dir) return undefined;
  const h = hemi === 'L' ? 'lh' : 'rh';
  const out: Partial<Record<'pial' | 'white' | 'inflated' | 'midthickness' | 'sphere', string>> = {};
  for (const kind of ['pial', 'white', 'inflated', 'midthickness', 'sphere'] as const) {
    for (const f of [join(dir, 'surf', `${h}.${kind}`), join(dir, `${h}.${kind}`)]) {
      if (existsSync(f)) {
        out[kind] = resolve(f);
        break;
      }
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Opens a Narratives subject (OpenNeuro ds002345, fMRIPrep derivatives) as an assembly. Each task
 * the subject heard is a story (a task scanned twice gives `<task>_run-<n>` stories):
 *
 * - **Responses**: `derivatives/<pipeline>/sub-<s>/func/`: both hemispheres of the surface space
 *   (`…_space-fsaverage6_hemi-L[_bold].func.gii`, L columns then R), or the volume series
 *   (`…_space-MNI152NLin2009cAsym[_res-…]_desc-preproc_bold.nii.gz`) masked by the runs' brain
 *   masks (their intersection; columns in NIfTI order, x fastest). Trimmed `[14:-9]` by default
 *   (LITcoder's preset; `trim`).
 * - **Words**: `stimuli/gentle/<task>/align.json` (Gentle forced alignment; see
 *   {@link parseGentleAlign} for words not found in the audio).
 * - **TR grid**: TR 1.5 s, TR k centred at `(k + ½)·1.5 − onset`, where `onset` is the first
 *   event's onset in the raw `sub-<s>/func/…_events.tsv` (0 without one), so word times (from
 *   the start of the audio) and TRs share one clock.
 * - **Geometry**: a `SurfaceGeometry` (vertex counts, meshes from `derivatives/freesurfer/<space>`
 *   when present) or a `VolumeGeometry` (grid, affine, mask).
 * - **Split**: no test story by default: Narratives runs in nested cross-validation
 *   (`split.mode: nested-cv`), as LITcoder's `validation_method: inner`.
 *
 * Responses are read one run at a time (a NIfTI series streamed and masked volume by volume, a
 * GIfTI pair whole) and served by voxel range.
 *
 * @example
 * const assembly = await openNarratives({ root: '/data/ds002345', subject: 'sub-001', space: 'fsaverage6' });
 */
export async function openNarratives(options: NarrativesOptions): Promise<Assembly & { maskBytes?: Uint8Array }> {
  const root = resolve(options.root);
  const label = subjectLabel(options.subject);
  const space = options.space ?? 'fsaverage6';
  const surface = isSurfaceSpace(space);
  const pipeline = options.pipeline ?? 'fmriprep';
  const tr = options.tr ?? NARRATIVES_TR;
  const { trim, name: trimName } = resolveTrim(options.trim, NARRATIVES_TRIMS, 'litcoder', WHERE);
  const base = join(root, 'derivatives', pipeline);
  const func = subjectFuncDir(
    base,
    label,
    WHERE,
    `Download the ${pipeline} derivatives of ds002345 (derivatives/${pipeline}/sub-<s>/func).`,
  );
  const found = findRuns(
    func,
    label,
    { space, ...(options.res !== undefined ? { res: options.res } : {}), ...(options.desc !== undefined ? { desc: options.desc } : {}) },
    WHERE,
  );
  const alignOf = (task: string) => join(root, 'stimuli', 'gentle', task, 'align.json');
  let runs: Run[];
  if (options.tasks) {
    runs = [];
    for (const t of options.tasks) {
      const mine = found.filter((r) => r.task === t);
      const missing = [mine.length === 0 && `${space} BOLD files in ${func}`, !existsSync(alignOf(t)) && alignOf(t)].filter(Boolean);
      if (missing.length) {
        throw voxelwiseError({
          code: 'E_FILE_NOT_FOUND',
          where: WHERE,
          message: `task "${t}" of sub-${label} is missing ${missing.join(' and ')}`,
          details: { story: t },
        });
      }
      runs.push(...mine);
    }
  } else {
    runs = found.filter((r) => {
      if (existsSync(alignOf(r.task))) return true;
      options.emit?.({
        type: 'log',
        level: 'info',
        stage: 'assembly/narratives',
        message: `Narratives task "${r.task}" skipped (no ${alignOf(r.task)})`,
      });
      return false;
    });
  }
  if (runs.length === 0) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `sub-${label} has no ${space} run with word timings`,
      hint: `Looked for ${surface ? `*_space-${space}_hemi-{L,R}*.func.gii` : `*_space-${space}*_desc-preproc_bold.nii.gz`} in ${func} and stimuli/gentle/<task>/align.json in ${root}.`,
    });
  }
  const names = runs.map((r) => r.story);
  const testStories = [...(options.testTasks ?? [])];
  checkTestStories(testStories, names, 'task', WHERE);

  let mask: VolumeMask | null = null;
  let maskInfo: Awaited<ReturnType<typeof volumeMask>> | null = null;
  if (!surface) {
    maskInfo = await volumeMask(
      runs.map((r) => ({ story: r.story, files: r.files as Extract<RunFiles, { kind: 'volume' }> })),
      options.mask,
      WHERE,
    );
    mask = maskInfo.mask;
  }
  const { shapes, nColumns } = await runShapes(runs, mask, tr, WHERE, options.emit, 'assembly/narratives');

  const firstRun = runs[0]!;
  const firstShape = shapes.get(firstRun.story)!;
  const meshDir =
    options.meshDir ??
    (surface && existsSync(join(root, 'derivatives', 'freesurfer', space)) ? join(root, 'derivatives', 'freesurfer', space) : undefined);
  const geometry: BrainGeometry = surface
    ? {
        kind: 'surface',
        space,
        hemispheres: (['L', 'R'] as const).map((hemi) => {
          const meshes = findMeshes(meshDir, hemi);
          return { hemi, nVertices: firstShape.hemispheres![hemi], ...(meshes ? { meshes } : {}) };
        }),
      }
    : volumeGeometry(mask!, space, maskInfo!.file ? resolve(maskInfo!.file) : undefined, (firstRun.files as { bold: string }).bold);

  const groundTruth = await simulatedTruth(root, 'narratives', `sub-${label}`, space, nColumns);
  const metadata: AssemblyMetadata = {
    subject: `sub-${label}`,
    tr,
    nVoxels: nColumns,
    trimming: `narratives-${trimName}`,
    geometry,
    defaultSplit: 'nested-cv',
    ...(groundTruth ? { groundTruth } : {}),
    provenance: {
      source: 'narratives-ds002345',
      root,
      pipeline,
      space,
      conventions: `Gentle align.json words (${options.unaligned ?? 'interpolate'} unaligned), TR ${tr} s centred at (k + ½)·TR − events onset, responses [${trim.start}:-${trim.end}]`,
      ...(maskInfo ? { masks: maskInfo.sources } : {}),
    },
  };
  const read = runReader(WHERE);
  const load = async (run: Run): Promise<Story> => {
    const shape = shapes.get(run.story)!;
    const file = alignOf(run.task);
    const bytes = await readSource(file, WHERE, 'align.json');
    const { words, unaligned, overlapsFixed } = parseGentleAlign(bytes, file, options.unaligned ?? 'interpolate');
    if (unaligned > 0 || overlapsFixed > 0) {
      options.emit?.({
        type: 'log',
        level: 'info',
        stage: 'assembly/narratives',
        message: `story "${run.story}": ${unaligned} words not found in the audio (${options.unaligned === 'drop' ? 'dropped' : 'timed between their neighbours'}), ${overlapsFixed} overlapping onsets moved (${file})`,
      });
    }
    const events = await stimulusOnset(root, label, run, WHERE);
    const rows = shape.nTRs - trim.start - trim.end;
    const boldFiles = run.files.kind === 'surface' ? [run.files.left, run.files.right] : [run.files.bold];
    const story: Story = {
      name: run.story,
      words,
      wordTimes: wordMidpoints(words),
      trTimes: stimulusGrid(shape.nTRs, tr, events.onset),
      trim,
      nResponseRows: Math.max(0, rows),
      nVoxels: shape.nColumns,
      responses: (r) => read(run.story, shape.nColumns, () => readRunRows(run.files, mask, trim, shape, WHERE, run.story), rows, r),
      metadata: {
        files: { words: file, responses: boldFiles.join(', ') },
        task: run.task,
        ...(run.run ? { run: run.run } : {}),
        nTRs: shape.nTRs,
        stimulusOnset: events.onset,
        unalignedWords: unaligned,
        source: {
          files: [
            { role: 'align', path: file, bytes: bytes.byteLength },
            ...(events.file ? [await sourceFile('events', events.file)] : []),
            ...(await Promise.all(boldFiles.map((f) => sourceFile('responses', f)))),
          ],
        },
      },
    };
    return checkSourceStory(story, options.emit, 'assembly/narratives');
  };
  const open = storyCache(load);
  const byName = new Map(runs.map((r) => [r.story, r]));
  return {
    metadata,
    storyNames: names,
    testStories,
    ...(maskInfo?.encoded ? { maskBytes: maskInfo.encoded } : {}),
    story(name) {
      const run = byName.get(name);
      if (!run) {
        return Promise.reject(unknownStory(name, `sub-${label}`, names, WHERE));
      }
      return open(name, run);
    },
  };
}
