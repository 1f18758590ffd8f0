import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { voxelwiseError, wordMidpoints } from '@voxelwise/core';
import type { Assembly, AssemblyMetadata, EventSink, ResponseTrim, Story } from '@voxelwise/core';
import { subjectLabel } from './bids-names.js';
import { findRuns, listDir, resolveTrim, stimulusGrid, stimulusOnset, simulatedTruth, subjectFuncDir } from './bids-dataset.js';
import type { Run } from './bids-dataset.js';
import { readRunRows, runReader, runShapes, volumeGeometry, volumeMask } from './bold-files.js';
import type { RunFiles } from './bold-files.js';
import { sourceFile } from './hash.js';
import { parseLppWords } from './lpp-words.js';
import { readSource } from './read-source.js';
import { checkSourceStory } from './source-timing.js';
import { storyCache } from './story-cache.js';
import { checkTestStories, unknownStory } from './story-checks.js';

const WHERE = 'assembly:lpp';

/** Le Petit Prince (OpenNeuro ds003643) repetition time, seconds (Li et al. 2022, Scientific Data 9:530). */
export const LPP_TR = 2;

/**
 * LITcoder's LPP trimming, `[5:-5]` (GT-LIT-Lab/litcoder_core `unified.py`,
 * `DATASET_CONFIGS["lpp"]`, features and targets alike).
 */
export const LPP_TRIM: ResponseTrim = { start: 5, end: 5 };

/** Named trims of {@link LppOptions.trim}. */
export const LPP_TRIMS = { litcoder: LPP_TRIM, none: { start: 0, end: 0 } } as const;

/** The English task of ds003643. */
export const LPP_TASK = 'lppEN';

/** Options of {@link openLpp} (and of the `lpp` assembly source). */
export interface LppOptions {
  /** The ds003643 folder (holds `annotation/` and `derivatives/`). */
  root: string;
  /** Subject, `sub-EN057` or `EN057`. */
  subject: string;
  /** Volume space of the preprocessed series. @default 'MNI152NLin2009cAsym' */
  space?: string;
  /** Resolution entity (`2`) when the folder holds several. */
  res?: string;
  /** Derivatives pipeline folder. @default `derivatives/` itself when it holds `sub-<s>/`, else `derivatives/fmriprep` */
  pipeline?: string;
  /** The `desc` entity of the series. @default 'preproc' */
  desc?: string;
  /** The word annotation (CSV/TSV: word, onset, offset, section). @default the one `annotation/EN/*word*.csv|tsv` */
  words?: string;
  /** Task label. @default 'lppEN' */
  task?: string;
  /** Runs held out for testing (story names, e.g. `lppEN_run-09`). @default none: LPP runs in nested cross-validation */
  testRuns?: readonly string[];
  /** Repetition time, seconds. @default 2 */
  tr?: number;
  /** Rows dropped at each end of a run: `litcoder` ([5:-5]), `none`, or explicit. @default 'litcoder' */
  trim?: keyof typeof LPP_TRIMS | ResponseTrim;
  /** A brain mask for every run instead of the intersection of the runs' masks. */
  mask?: string;
  emit?: EventSink;
}

function annotationFile(root: string, explicit: string | undefined): string {
  if (explicit) return resolve(explicit);
  const dir = join(root, 'annotation', 'EN');
  const candidates = listDir(dir).filter((f) => /word/i.test(f) && /\.(csv|tsv)$/i.test(f));
  if (candidates.length === 1) return join(dir, candidates[0]!);
  throw voxelwiseError({
    code: 'E_FILE_NOT_FOUND',
    where: WHERE,
    message:
      candidates.length === 0
        ? `no word annotation (annotation/EN/*word*.csv or .tsv) under ${root}`
        : `several word annotations in ${dir} (${candidates.join(', ')})`,
    hint: 'Name the annotation file with the words option (--words).',
    details: { file: dir },
  });
}

/**
 * Opens an English Le Petit Prince subject (OpenNeuro ds003643) as an assembly: one story per run
 * (`lppEN_run-<r>`; the nine sections of the book in run order), MNI volumes masked by the runs'
 * brain masks (their intersection, or `mask`), TR 2 s, LITcoder's trimming `[5:-5]` by default.
 *
 * - **Responses**: `derivatives/[<pipeline>/]sub-<s>/func/…_task-lppEN_run-<r>_space-<space>[_res-…]_desc-preproc_bold.nii.gz`
 *   and `…_desc-brain_mask.nii.gz`; columns are mask voxels in NIfTI order (x fastest). **Every TR
 *   of the run is kept, in scan order.** LITcoder's `lpp_processor.py` instead drops the first 4
 *   volumes and keeps only the TRs that hold a word onset, in the iteration order of a Python
 *   `set`, which is not guaranteed to be time order; that is not reproduced.
 * - **Words**: the annotation's rows for section k (k-th run in run order), **sorted by onset**.
 * - **TR grid**: TR k centred at `(k + ½)·TR − onset` (`onset`: the first event of the run's raw
 *   `events.tsv`, 0 without one).
 * - **Split**: no test story by default (nested cross-validation, LITcoder's `validation_method: inner`).
 *
 * @example
 * const assembly = await openLpp({ root: '/data/ds003643', subject: 'sub-EN057' });
 */
export async function openLpp(options: LppOptions): Promise<Assembly & { maskBytes?: Uint8Array }> {
  const root = resolve(options.root);
  const label = subjectLabel(options.subject);
  const space = options.space ?? 'MNI152NLin2009cAsym';
  const task = options.task ?? LPP_TASK;
  const tr = options.tr ?? LPP_TR;
  const { trim, name: trimName } = resolveTrim(options.trim, LPP_TRIMS, 'litcoder', WHERE);
  const derivatives = join(root, 'derivatives');
  const base = options.pipeline
    ? join(derivatives, options.pipeline)
    : existsSync(join(derivatives, `sub-${label}`))
      ? derivatives
      : join(derivatives, 'fmriprep');
  const func = subjectFuncDir(base, label, WHERE, 'Download the preprocessed series of ds003643 (derivatives/sub-<s>/func).');
  const runs: Run[] = findRuns(
    func,
    label,
    { space, ...(options.res !== undefined ? { res: options.res } : {}), ...(options.desc !== undefined ? { desc: options.desc } : {}) },
    WHERE,
  ).filter((r) => r.task === task && r.files.kind === 'volume');
  if (runs.length === 0) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `sub-${label} has no ${task} run in ${space} under ${func}`,
      hint: `Looked for sub-${label}_task-${task}_run-<r>_space-${space}*_desc-preproc_bold.nii.gz.`,
    });
  }
  const wordsFile = annotationFile(root, options.words);
  const wordsBytes = await readSource(wordsFile, WHERE, 'word annotation');
  const sections = parseLppWords(wordsBytes, wordsFile);
  const sectionNumbers = [...sections.keys()].sort((a, b) => a - b);
  if (sectionNumbers.length !== runs.length) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where: WHERE,
      message: `sub-${label} has ${runs.length} ${task} runs (${runs.map((r) => r.story).join(', ')}) but ${wordsFile} has ${sectionNumbers.length} sections (${sectionNumbers.join(', ')})`,
      hint: 'Every section of the annotation needs its run (the k-th section is the k-th run in run order).',
      details: { file: wordsFile },
    });
  }
  const names = runs.map((r) => r.story);
  const testStories = [...(options.testRuns ?? [])];
  checkTestStories(testStories, names, 'run', WHERE);
  const maskInfo = await volumeMask(
    runs.map((r) => ({ story: r.story, files: r.files as Extract<RunFiles, { kind: 'volume' }> })),
    options.mask,
    WHERE,
  );
  const mask = maskInfo.mask;
  const { shapes, nColumns } = await runShapes(runs, mask, tr, WHERE, options.emit, 'assembly/lpp');
  const groundTruth = await simulatedTruth(root, 'lpp', `sub-${label}`, space, nColumns);
  const metadata: AssemblyMetadata = {
    subject: `sub-${label}`,
    tr,
    nVoxels: nColumns,
    trimming: `lpp-${trimName}`,
    geometry: volumeGeometry(mask, space, maskInfo.file ? resolve(maskInfo.file) : undefined, (runs[0]!.files as { bold: string }).bold),
    defaultSplit: 'nested-cv',
    ...(groundTruth ? { groundTruth } : {}),
    provenance: {
      source: 'lpp-ds003643',
      root,
      task,
      space,
      words: wordsFile,
      masks: maskInfo.sources,
      conventions: `section k = k-th run; words sorted by onset; every TR kept in scan order; TR ${tr} s centred at (k + ½)·TR − events onset; responses [${trim.start}:-${trim.end}]`,
    },
  };
  const read = runReader(WHERE);
  const load = async (index: number): Promise<Story> => {
    const run = runs[index]!;
    const shape = shapes.get(run.story)!;
    const section = sectionNumbers[index]!;
    const { words, reordered, overlapsFixed } = sections.get(section)!;
    if (reordered > 0 || overlapsFixed > 0) {
      options.emit?.({
        type: 'log',
        level: 'info',
        stage: 'assembly/lpp',
        message: `story "${run.story}" (section ${section}): ${reordered} words out of onset order sorted, ${overlapsFixed} offsets cut back to the next onset (${wordsFile})`,
      });
    }
    const events = await stimulusOnset(root, label, run, WHERE);
    const rows = shape.nTRs - trim.start - trim.end;
    const bold = (run.files as { bold: string }).bold;
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
        files: { words: wordsFile, responses: bold },
        section,
        ...(run.run ? { run: run.run } : {}),
        nTRs: shape.nTRs,
        stimulusOnset: events.onset,
        source: {
          files: [
            { role: 'words', path: wordsFile, bytes: wordsBytes.byteLength },
            ...(events.file ? [await sourceFile('events', events.file)] : []),
            await sourceFile('responses', bold),
          ],
        },
      },
    };
    return checkSourceStory(story, options.emit, 'assembly/lpp');
  };
  const open = storyCache(load);
  return {
    metadata,
    storyNames: names,
    testStories,
    ...(maskInfo.encoded ? { maskBytes: maskInfo.encoded } : {}),
    story(name) {
      const index = names.indexOf(name);
      if (index < 0) {
        return Promise.reject(unknownStory(name, `sub-${label}`, names, WHERE));
      }
      return open(name, index);
    },
  };
}
