import { voxelwiseError, wordMidpoints } from '@voxelwise/core';
import type { DownsampleInput, Matrix, Rng, Story, WordTable } from '@voxelwise/core';
import { LEBEL_TIMING, LEBEL_TRIM, isLebelNonWord, lebelTrTimes } from './lebel-conventions.js';
import { builtinFeatures, delayedZscored } from './simulate-features.js';
import type { ResolvedSimulateOptions } from './simulate-options.js';
import { simulateTranscript } from './simulate-text.js';
import type { SimTranscript } from './simulate-text.js';
import type { SimulationHooks } from './simulation-hooks.js';

const WHERE = 'assembly:simulate';

/** One simulated story before responses exist: its words, TR grid and delayed features. */
export interface StoryPlan {
  name: string;
  words: WordTable;
  trTimes: Float64Array;
  /** Delayed z-scored features, nTR × p (row-major). */
  X: Float64Array;
  /** Response rows (the grid less the LeBel trim). */
  nRows: number;
  /** Repeats heard (the test story's `testRepeats`, else 1). */
  repeats: number;
}

/** The stories of a simulation and what the LeBel writer needs of them. */
export interface StoryPlans {
  plans: StoryPlan[];
  transcripts: Map<string, SimTranscript>;
  /** respdict.json entries: TRs per story (grid TRs + 5). */
  respdict: Record<string, number>;
  featureColumns: readonly string[];
  /** Feature columns before delays. */
  nFeatures: number;
}

/** Throws `E_ABORTED` once `signal` is aborted. */
export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'simulation aborted' });
}

/** `story01 … story<n−1>`, then the test story (which may not clash with them). */
export function storyNames(o: ResolvedSimulateOptions): string[] {
  const names = Array.from({ length: o.stories - 1 }, (_, i) => `story${String(i + 1).padStart(2, '0')}`);
  if (names.includes(o.testStory))
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `option "testStory": "${o.testStory}" clashes with a training story name`,
    });
  names.push(o.testStory);
  return names;
}

/** The words of a transcript as LeBel's loader keeps them: non-speech labels dropped. */
export function transcriptWords(transcript: SimTranscript): WordTable {
  const kept = transcript.intervals.filter((iv) => !isLebelNonWord(iv.text));
  return {
    text: kept.map((iv) => iv.text),
    lower: kept.map((iv) => iv.text.toLowerCase()),
    onset: Float64Array.from(kept, (iv) => iv.xmin),
    offset: Float64Array.from(kept, (iv) => iv.xmax),
  };
}

/** TRs of a story's grid: long enough for ≥ 20 s of scan after the last word (the hemodynamic tail). */
function gridLength(transcriptEnd: number, tr: number): number {
  return Math.ceil((transcriptEnd + 20) / tr) + 6;
}

/**
 * Phase 1 of a simulation: for each story, a transcript (seeded by the story's name), its words,
 * the LeBel TR grid, and the features (built-in or `hooks.features`) resampled to the grid,
 * z-scored and delayed.
 */
export async function planStories(
  o: ResolvedSimulateOptions,
  root: Rng,
  names: readonly string[],
  hooks: SimulationHooks,
  resample: (input: DownsampleInput) => Matrix,
  delays: readonly number[],
): Promise<StoryPlans> {
  const trim = LEBEL_TRIM;
  const transcripts = new Map<string, SimTranscript>();
  const respdict: Record<string, number> = {};
  const plans: StoryPlan[] = [];
  let featureColumns: readonly string[] = [];
  let f = -1;
  for (const name of names) {
    checkAbort(hooks.signal);
    const rs = root.fork(`story/${name}`);
    const transcript = simulateTranscript(rs.fork('text'), o.duration * (0.85 + 0.3 * rs.next()));
    transcripts.set(name, transcript);
    const words = transcriptWords(transcript);
    const nGrid = gridLength(transcript.end, o.tr);
    respdict[name] = nGrid + LEBEL_TIMING.pad;
    const trTimes = lebelTrTimes(respdict[name]!, { tr: o.tr });
    const nRows = nGrid - trim.start - trim.end;
    const timing: Story = {
      name,
      words,
      wordTimes: wordMidpoints(words),
      trTimes,
      trim,
      nResponseRows: nRows,
      nVoxels: o.voxels,
      responses: () =>
        Promise.reject(
          voxelwiseError({
            code: 'E_INTERNAL',
            where: WHERE,
            message: 'responses are not available while the features of a simulation are computed',
          }),
        ),
    };
    const fs = hooks.features ? await hooks.features(timing) : builtinFeatures(o, root, words);
    const onGrid = fs.level === 'tr' ? fs.data : resample({ data: fs.data, dataTimes: timing.wordTimes, trTimes });
    if (onGrid.rows !== trTimes.length) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `story "${name}": features on the TR grid have ${onGrid.rows} rows`,
        expected: trTimes.length,
      });
    }
    if (f >= 0 && onGrid.cols !== f) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `story "${name}": the features have ${onGrid.cols} columns but the first story had ${f}`,
      });
    }
    f = onGrid.cols;
    featureColumns = fs.columns ?? Array.from({ length: f }, (_, k) => `feature${k}`);
    plans.push({
      name,
      words,
      trTimes,
      X: delayedZscored(onGrid, delays),
      nRows,
      repeats: name === o.testStory ? o.testRepeats : 1,
    });
  }
  return { plans, transcripts, respdict, featureColumns, nFeatures: f };
}
