import { voxelwiseError } from '@voxelwise/core';
import type { Story } from '@voxelwise/core';

/** A Python-style slice of rows. */
export interface RowSlice {
  start: number;
  end: number | null;
}

/** Explicit per-role slices. */
export interface TrimmingSlices {
  trainFeatures?: RowSlice;
  trainTargets?: RowSlice;
  testFeatures?: RowSlice;
  testTargets?: RowSlice;
  checkAlignment?: boolean;
}

/** Features and targets alike cut to `[start:end]`, for every role. */
const both = (start: number, end: number): TrimmingSlices => {
  const s = { start, end };
  return { trainFeatures: s, trainTargets: s, testFeatures: s, testTargets: s };
};

/**
 * Named trimming sets. `story`: features cut to the TRs that have responses (each story's own
 * trim), targets kept whole. `litcoder-lebel`: LITcoder's LeBel trimming_config (README,
 * tutorials): train features [10:-5], targets all; test features [50:-5], targets [40:].
 * `litcoder-narratives` / `litcoder-lpp`: LITcoder's `[14:-9]` / `[5:-5]` on features and targets
 * (GT-LIT-Lab/litcoder_core `unified.py` `DATASET_CONFIGS`), for an assembly imported with
 * `trim: none` (the Narratives and LPP importers apply these trims themselves by default, and
 * `story` then keeps them).
 */
export const TRIMMING_PRESETS: Readonly<Record<'story' | 'litcoder-lebel' | 'litcoder-narratives' | 'litcoder-lpp', TrimmingSlices>> = {
  story: {},
  'litcoder-lebel': {
    trainFeatures: { start: 10, end: -5 },
    trainTargets: { start: 0, end: null },
    testFeatures: { start: 50, end: -5 },
    testTargets: { start: 40, end: null },
  },
  'litcoder-narratives': both(14, -9),
  'litcoder-lpp': both(5, -5),
};

const ROLES = [
  ['train_features', 'trainFeatures'],
  ['train_targets', 'trainTargets'],
  ['test_features', 'testFeatures'],
  ['test_targets', 'testTargets'],
] as const;

/**
 * Maps LITcoder's flat `trimming_config` keys (`train_features_start`, `…_end`, …) onto voxelwise
 * slices. As in LITcoder a missing start is 0 and a missing end is None; a role with no key at all
 * keeps voxelwise's default. Unknown keys are left for the schema to reject by name.
 */
export function normaliseTrimmingInput(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const record = input as Record<string, unknown>;
  const hasFlat = ROLES.some(([flat]) => `${flat}_start` in record || `${flat}_end` in record);
  if (!hasFlat) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!ROLES.some(([flat]) => key === `${flat}_start` || key === `${flat}_end`)) out[key] = value;
  }
  for (const [flat, camel] of ROLES) {
    if (!(`${flat}_start` in record) && !(`${flat}_end` in record)) continue;
    if (camel in record) {
      // Both spellings for one role: keep both so the strict schema names the clash.
      out[`${flat}_start`] = record[`${flat}_start`];
      continue;
    }
    out[camel] = { start: record[`${flat}_start`] ?? 0, end: record[`${flat}_end`] ?? null };
  }
  return out;
}

/** Resolves a named set or explicit slices into slices. */
export function trimmingSlices(trimming: string | TrimmingSlices): TrimmingSlices {
  if (typeof trimming !== 'string') return trimming;
  const named = (TRIMMING_PRESETS as Record<string, TrimmingSlices>)[trimming];
  if (!named) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'trainer:trimming',
      message: `unknown trimming "${trimming}"`,
      expected: Object.keys(TRIMMING_PRESETS),
    });
  }
  return named;
}

/** Python's slice semantics: the half-open range `[start, end)` that `x[start:end]` keeps of `n` rows. */
export function sliceRange(n: number, s: RowSlice): [number, number] {
  const norm = (v: number) => (v < 0 ? Math.max(0, n + v) : Math.min(n, v));
  const a = norm(s.start);
  const b = s.end === null ? n : norm(s.end);
  return [a, Math.max(a, b)];
}

/** The slices used for one story in one role, with the TR each kept row starts at. */
export interface StoryTrim {
  features: RowSlice;
  targets: RowSlice;
  /** TR index of the first kept feature row. */
  featureStartTR: number;
  /** TR index of the first kept response row. */
  targetStartTR: number;
  /** Rows kept on each side. */
  featureRows: number;
  targetRows: number;
}

/**
 * The feature and target slices of a story. Feature rows are TRs of the story's grid; response
 * row i is TR `story.trim.start + i` (core `ResponseTrim`).
 */
export function storyTrim(story: Story, role: 'train' | 'test', trimming: TrimmingSlices): StoryTrim {
  const features = (role === 'train' ? trimming.trainFeatures : trimming.testFeatures) ?? {
    start: story.trim.start,
    end: story.trim.end > 0 ? -story.trim.end : null,
  };
  const targets = (role === 'train' ? trimming.trainTargets : trimming.testTargets) ?? { start: 0, end: null };
  const [fa, fb] = sliceRange(story.trTimes.length, features);
  const [ta, tb] = sliceRange(story.nResponseRows, targets);
  return { features, targets, featureStartTR: fa, targetStartTR: story.trim.start + ta, featureRows: fb - fa, targetRows: tb - ta };
}

function show(s: RowSlice): string {
  return `[${s.start}:${s.end ?? ''}]`;
}

/**
 * Fails unless the kept feature and response rows are the same TRs: equal counts and, when
 * `checkAlignment` is on, the same first TR.
 */
export function checkStoryTrim(story: Story, role: 'train' | 'test', t: StoryTrim, checkAlignment: boolean): void {
  if (t.featureRows === 0 || t.targetRows === 0) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where: 'trainer:trim',
      message: `story "${story.name}" (${role}): trimming leaves no rows (${story.trTimes.length} TRs, ${story.nResponseRows} response rows; features ${show(t.features)}, targets ${show(t.targets)})`,
      details: { story: story.name, role },
      hint: 'The story is shorter than the trims; use smaller trims or leave the story out (split.stories).',
    });
  }
  if (t.featureRows !== t.targetRows) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where: 'trainer:trim',
      message: `story "${story.name}" (${role}): after trimming, feature rows do not match response rows (${story.trTimes.length} TRs, responses start at TR ${story.trim.start}; features ${show(t.features)}, targets ${show(t.targets)})`,
      got: t.featureRows,
      expected: t.targetRows,
      details: { story: story.name, role },
      hint: 'Adjust the trimming config so both sides keep the same TRs.',
    });
  }
  if (checkAlignment && t.featureStartTR !== t.targetStartTR) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where: 'trainer:trim',
      message: `story "${story.name}" (${role}): feature rows start at TR ${t.featureStartTR} but response rows start at TR ${t.targetStartTR} (features ${show(t.features)}, targets ${show(t.targets)}; responses begin at TR ${story.trim.start} of the grid)`,
      got: t.featureStartTR,
      expected: t.targetStartTR,
      details: { story: story.name, role },
      hint: 'The trims are shifted against each other (an inverted start/end trim?). Fix them, or set trimming.checkAlignment to false to keep LITcoder-style unchecked slices.',
    });
  }
}
