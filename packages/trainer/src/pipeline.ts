import {
  asDType,
  assertFinite,
  createContext,
  hstack,
  makeDelayed,
  parseSize,
  sliceRows,
  timed,
  voxelwiseError,
  vstack,
  zscore,
} from '@voxelwise/core';
import type { Assembly, Downsampler, EventSink, FeatureExtractor, Matrix, Registry, StageContext, Story } from '@voxelwise/core';
import type { ResolvedConfig } from './config.js';
import { PRESETS } from './presets.js';
import { checkStoryTrim, storyTrim, trimmingSlices } from './trimming.js';
import type { StoryTrim, TrimmingSlices } from './trimming.js';

/** Which stories are fitted and which are scored. */
export type SplitPlan =
  { mode: 'test-stories'; train: string[]; test: string[] } | { mode: 'nested-cv'; stories: string[]; outerFolds?: number };

/** Design matrices for training and testing. */
export interface DesignMatrices {
  Xtrain: Matrix;
  Ytrain: Matrix<Float32Array>;
  Xtest: Matrix;
  Ytest: Matrix<Float32Array>;
  /** Story index (into `trainStories`) of each training row. */
  groups: Int32Array;
  trainStories: string[];
  testStories: string[];
  /** Feature columns before delays. */
  nFeatures: number;
  /** Columns (before delays) of each extractor, in config order; they sum to `nFeatures`. */
  perExtractor: number[];
  /** Name of every design column (`<feature>@<delay>`), delay-major as makeDelayed lays them out. */
  columns: string[];
  /** Story and TR (index in the story's grid) of each test row. */
  testRows: { story: string[]; tr: Int32Array };
}

/** One story's feature rows after trimming and z-scoring (not yet delayed in the `huth` order). */
export interface StoryBlock {
  story: string;
  X: Matrix;
  /** TR index of each row. */
  tr: Int32Array;
}

/** Stacked responses of some stories in one role, with the story and TR of each row. */
interface StackedTargets {
  Y: Matrix<Float32Array>;
  story: string[];
  tr: Int32Array;
  groups: Int32Array;
}

/** Creates the stage context for a run. */
export function runContext(
  config: ResolvedConfig,
  emit: EventSink,
  registry: Registry,
  signal?: AbortSignal,
  refresh = false,
): StageContext {
  return createContext({
    seed: config.seed,
    emit,
    cacheDir: config.cacheDir,
    memoryBudget: parseSize(config.memoryBudget, 'memoryBudget'),
    registry,
    refresh,
    ...(signal ? { signal } : {}),
  });
}

/** Throws `E_ABORTED` once the run's signal fired. */
export function checkAbort(ctx: StageContext): void {
  if (ctx.signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where: 'trainer', message: 'run aborted' });
}

/** Decides the train/test stories (or the pooled stories of nested CV) and checks every name. */
export function planSplit(config: ResolvedConfig, assembly: Assembly): SplitPlan {
  const known = assembly.storyNames;
  const check = (names: readonly string[], key: string) => {
    for (const s of names) {
      if (!known.includes(s)) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'trainer:split',
          message: `${key} names story "${s}", which is not in subject ${assembly.metadata.subject}`,
          expected: known,
          hint: 'Run "voxelwise assembly info <dir>" to list the stories.',
        });
      }
    }
  };
  const all = config.split.stories ?? [...known];
  check(all, 'split.stories');
  // A dataset without a held-out story that asks for nested CV (Narratives, LPP) gets it when the
  // config names no test story; otherwise this would be the "names no test story" error below.
  const nestedByDefault =
    config.split.testStories === undefined && assembly.testStories.length === 0 && assembly.metadata.defaultSplit === 'nested-cv';
  if (config.split.mode === 'nested-cv' || nestedByDefault) {
    const folds = config.split.outerFolds;
    if (folds !== undefined && folds > all.length) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'trainer:split',
        message: `split.outerFolds is larger than the number of stories`,
        got: folds,
        expected: `≤ ${all.length}`,
      });
    }
    return { mode: 'nested-cv', stories: all, ...(folds === undefined ? {} : { outerFolds: folds }) };
  }
  const test = config.split.testStories ?? [...assembly.testStories];
  if (test.length === 0) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'trainer:split',
      message: `subject ${assembly.metadata.subject} names no test story`,
      hint: 'Set split.testStories in the config, or use split.mode "nested-cv".',
    });
  }
  check(test, 'split.testStories');
  const train = all.filter((s) => !test.includes(s));
  if (train.length === 0) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'trainer:split',
      message: 'no training story is left after removing the test stories',
      got: { stories: all, testStories: test },
    });
  }
  return { mode: 'test-stories', train, test };
}

/** The extractors and resampler of one design (one layer of a sweep). */
export interface FeatureStages {
  extractors: FeatureExtractor[];
  downsampler: Downsampler;
}

/** Features of one story on its TR grid (all extractors, columns concatenated), their names, and each extractor's column count. */
async function storyFeatures(
  story: Story,
  stages: FeatureStages,
  ctx: StageContext,
): Promise<{ data: Matrix; columns: string[]; perExtractor: number[] }> {
  const parts: Matrix[] = [];
  const columns: string[] = [];
  const perExtractor: number[] = [];
  for (const ex of stages.extractors) {
    checkAbort(ctx);
    const fs = await timed(ctx.emit, `features/${ex.id}`, () => ex.extract(story, ctx), { kind: 'extractor' });
    if (fs.level === 'word' && fs.data.rows !== story.wordTimes.length) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where: 'trainer:features',
        message: `extractor ${ex.id} gave the wrong number of word rows for story "${story.name}"`,
        got: fs.data.rows,
        expected: story.wordTimes.length,
      });
    }
    if (fs.level === 'time' && fs.times?.length !== fs.data.rows) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where: 'trainer:features',
        message: `extractor ${ex.id} gave ${fs.data.rows} time-stamped rows but ${fs.times?.length ?? 'no'} times for story "${story.name}"`,
      });
    }
    // Time-stamped rows (speech windows) are resampled at their own times, word rows at the word times.
    const dataTimes = fs.level === 'time' ? fs.times! : story.wordTimes;
    const onGrid =
      fs.level === 'tr'
        ? fs.data
        : await timed(
            ctx.emit,
            `downsample/${stages.downsampler.id}`,
            () => stages.downsampler.downsample({ data: fs.data, dataTimes, trTimes: story.trTimes }),
            { kind: 'downsampler' },
          );
    if (onGrid.rows !== story.trTimes.length) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where: 'trainer:features',
        message: `extractor ${ex.id} gave the wrong number of TR rows for story "${story.name}"${fs.level !== 'tr' ? ` after ${stages.downsampler.id}` : ''}`,
        got: onGrid.rows,
        expected: story.trTimes.length,
      });
    }
    const names = fs.columns && fs.columns.length === onGrid.cols ? fs.columns : Array.from({ length: onGrid.cols }, (_, k) => String(k));
    for (const n of names) columns.push(`${ex.id}:${n}`);
    parts.push(onGrid);
    perExtractor.push(onGrid.cols);
  }
  return { data: parts.length === 1 ? parts[0]! : hstack(parts, 'float64'), columns, perExtractor };
}

/** The responses file a story was read from, when its source records one (for messages). */
export function storyFile(story: Story): string | undefined {
  const files = story.metadata?.['files'];
  if (typeof files !== 'object' || files === null) return undefined;
  const responses = (files as Record<string, unknown>)['responses'];
  return typeof responses === 'string' ? responses : undefined;
}

/** The first story's column count per extractor, which every other story of the design must match. */
interface ColumnReference {
  story: string;
  role: 'train' | 'test';
  perExtractor: number[];
}

/** Per-voxel facts gathered while reading responses (before z-scoring). */
interface VoxelScan {
  /** 1 where some read story has a non-zero response. */
  nonzero: Uint8Array;
  /** 1 where the response is constant over the kept rows of some read story. */
  constant: Uint8Array;
  /** 1 where the source reports NaN/Inf set to 0 on import in some read story. */
  zeroed: Uint8Array;
}

/** Voxel flag bits of `scores.arrow`'s `flags` column (see {@link VOXEL_FLAGS}). */
export const VOXEL_FLAGS = {
  /** Every response of every story read is 0 (e.g. outside the brain mask). */
  dead: 1,
  /** Constant over the kept rows of at least one story (and not dead): it scores 0 there. */
  constant: 2,
  /** Its NaN/Inf responses were set to 0 on import (`--zero-nonfinite`). */
  zeroed: 4,
  /** Its test score is NaN or ±Inf. */
  'non-finite': 8,
} as const;

/** Name of a voxel flag. */
export type VoxelFlag = keyof typeof VOXEL_FLAGS;

function sliceOf(m: Matrix, start: number, rows: number): Matrix {
  return sliceRows(m, start, start + rows);
}

/** Trimmed (and, per the preset, z-scored) responses of a story. */
async function storyTargets(story: Story, trim: StoryTrim, zscoreTargets: boolean, scan: VoxelScan): Promise<Matrix> {
  const resp = await story.responses();
  const rows = sliceOf(resp, trim.targetStartTR - story.trim.start, trim.targetRows);
  assertFinite(rows, `responses of story "${story.name}"`, 'trainer:targets');
  scanVoxels(rows, scan);
  for (const v of story.zeroedVoxels ?? []) if (Number.isInteger(v) && v >= 0 && v < scan.zeroed.length) scan.zeroed[v] = 1;
  return zscoreTargets ? zscore(rows) : rows;
}

/** Marks voxels with a non-zero value and voxels constant over these rows. */
function scanVoxels(m: Matrix, scan: VoxelScan): void {
  const { rows, cols, data } = m;
  if (rows === 0) return;
  for (let j = 0; j < cols; j++) {
    const first = data[j]!;
    let same = true;
    let nonzero = first !== 0;
    for (let i = 1; i < rows; i++) {
      const x = data[i * cols + j]!;
      if (x !== first) same = false;
      if (x !== 0) nonzero = true;
      if (!same && nonzero) break;
    }
    if (same) scan.constant[j] = 1;
    if (nonzero) scan.nonzero[j] = 1;
  }
}

/**
 * Builds design matrices for one feature configuration. Responses are loaded once per story and
 * role and kept in `targets`, so a layer sweep reuses them.
 */
export class DesignBuilder {
  private readonly targets = new Map<string, StackedTargets>();
  private readonly warnedPadding = new Set<string>();
  private readonly slices: TrimmingSlices;
  private readonly zFeatures: boolean;
  private readonly zTargets: boolean;
  private scan: VoxelScan | undefined;
  private reference: ColumnReference | undefined;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly assembly: Assembly,
  ) {
    this.slices = trimmingSlices(config.trimming);
    const preset = PRESETS[config.preset];
    this.zFeatures = config.zscore.features ?? preset.zscoreFeatures;
    this.zTargets = config.zscore.targets ?? preset.zscoreTargets;
  }

  /** Per-story blocks of `names` in the given role. */
  async blocks(
    names: readonly string[],
    role: 'train' | 'test',
    stages: FeatureStages,
    ctx: StageContext,
  ): Promise<{ blocks: StoryBlock[]; columns: string[]; nFeatures: number; perExtractor: number[] }> {
    const perStory = PRESETS[this.config.preset].delays === 'per-story';
    const blocks: StoryBlock[] = [];
    let columns: string[] = [];
    let nFeatures = -1;
    let perExtractor: number[] = [];
    for (const [i, name] of names.entries()) {
      checkAbort(ctx);
      const story = await this.assembly.story(name);
      const trim = storyTrim(story, role, this.slices);
      checkStoryTrim(story, role, trim, this.slices.checkAlignment ?? true);
      const maxDelay = Math.max(0, ...this.config.delays);
      if (perStory && trim.featureStartTR < maxDelay && !this.warnedPadding.has(role)) {
        // Zero-padded delays at story onsets line up with the onset response and inflate scores;
        // Huth's encoding_utils.py (HuthLab/deep-fMRI-dataset) avoids them by keeping feat[5+trim:-trim].
        this.warnedPadding.add(role);
        ctx.emit({
          type: 'log',
          level: 'warn',
          stage: `design/${role}`,
          message: `story "${name}": kept feature rows start at TR ${trim.featureStartTR}, so the first ${maxDelay - trim.featureStartTR} rows see zero-padded delays (delays reach ${maxDelay} TRs back). Trim at least ${maxDelay} TRs from the start of each story.`,
        });
      }
      const feats = await storyFeatures(story, stages, ctx);
      this.checkColumns(story, role, feats.perExtractor, stages);
      nFeatures = feats.data.cols;
      perExtractor = feats.perExtractor;
      columns = feats.columns;
      assertFinite(feats.data, `features of story "${name}"`, 'trainer:features');
      const source = perStory ? makeDelayed(feats.data, this.config.delays) : feats.data;
      const kept = sliceOf(source, trim.featureStartTR, trim.featureRows);
      const X = this.zFeatures ? zscore(kept) : asDType(kept, 'float64');
      blocks.push({ story: name, X, tr: Int32Array.from({ length: trim.featureRows }, (_, k) => trim.featureStartTR + k) });
      ctx.emit({ type: 'stage:progress', stage: `design/${role}`, done: i + 1, total: names.length, unit: 'stories', message: name });
    }
    return { blocks, columns, nFeatures, perExtractor };
  }

  /**
   * Fails unless every extractor gives this story as many columns as it gave the first story of
   * the design (train and test alike), so a short test story fails before the fit, by name.
   */
  private checkColumns(story: Story, role: 'train' | 'test', perExtractor: number[], stages: FeatureStages): void {
    const ref = this.reference;
    if (!ref) {
      this.reference = { story: story.name, role, perExtractor };
      return;
    }
    for (const [k, cols] of perExtractor.entries()) {
      const expected = ref.perExtractor[k]!;
      if (cols === expected) continue;
      const file = storyFile(story);
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'trainer:features',
        message: `story "${story.name}" (${role}) gets ${cols} columns from extractor ${stages.extractors[k]!.id} (features[${k}]), but story "${ref.story}" (${ref.role}) got ${expected}${file ? ` (responses ${file})` : ''}`,
        got: cols,
        expected,
        details: { story: story.name, role, extractor: stages.extractors[k]!.id, option: `features[${k}]`, ...(file ? { file } : {}) },
        hint: "Every story needs the same feature columns; check the extractor's input for this story (e.g. a precomputed file with fewer columns).",
      });
    }
  }

  /** Starts a new design (one layer of a sweep): the column reference is taken afresh. */
  private startDesign(): void {
    this.reference = undefined;
  }

  /**
   * Flags per voxel (bits of {@link VOXEL_FLAGS}) from the responses read so far and the test
   * scores `r` (non-finite when `r` is NaN or ±Inf).
   */
  voxelFlags(r: Float64Array): Uint8Array {
    const flags = new Uint8Array(r.length);
    const s = this.scan;
    for (let j = 0; j < r.length; j++) {
      let f = 0;
      if (s && j < s.nonzero.length) {
        if (!s.nonzero[j]) f |= VOXEL_FLAGS.dead;
        else if (s.constant[j]) f |= VOXEL_FLAGS.constant;
        if (s.zeroed[j]) f |= VOXEL_FLAGS.zeroed;
      }
      if (!Number.isFinite(r[j]!)) f |= VOXEL_FLAGS['non-finite'];
      flags[j] = f;
    }
    return flags;
  }

  /**
   * The stacked responses of `names` in one role, built once and kept for later designs (the
   * layers of a sweep): one preallocated float32 matrix filled story by story, so memory peaks at
   * the stack plus one story.
   */
  async targetsFor(names: readonly string[], role: 'train' | 'test'): Promise<StackedTargets> {
    const key = `${role}\u0000${names.join('\u0000')}`;
    const cached = this.targets.get(key);
    if (cached) return cached;
    const stories = await Promise.all(names.map((n) => this.assembly.story(n)));
    const trims = stories.map((st) => storyTrim(st, role, this.slices));
    const n = trims.reduce((sum, t) => sum + t.targetRows, 0);
    const v = stories[0]?.nVoxels ?? 0;
    const scan = (this.scan ??= { nonzero: new Uint8Array(v), constant: new Uint8Array(v), zeroed: new Uint8Array(v) });
    const data = new Float32Array(n * v);
    const story: string[] = [];
    const tr = new Int32Array(n);
    const groups = new Int32Array(n);
    let o = 0;
    for (const [g, st] of stories.entries()) {
      if (st.nVoxels !== v) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where: 'trainer:targets',
          message: `story "${st.name}" has a different number of voxels than story "${names[0]}"`,
          got: st.nVoxels,
          expected: v,
        });
      }
      const t = trims[g]!;
      const Y = await storyTargets(st, t, this.zTargets, scan);
      data.set(Y.data instanceof Float32Array ? Y.data : Float32Array.from(Y.data), o * v);
      for (let i = 0; i < t.targetRows; i++) {
        story.push(st.name);
        tr[o + i] = t.targetStartTR + i;
      }
      groups.fill(g, o, o + t.targetRows);
      o += t.targetRows;
    }
    const out: StackedTargets = { Y: { rows: n, cols: v, data }, story, tr, groups };
    this.targets.set(key, out);
    return out;
  }

  /** Stacks feature blocks; the `huth` order applies the FIR delays to the stack. */
  stackFeatures(blocks: readonly StoryBlock[]): Matrix {
    const X = vstack(
      blocks.map((b) => b.X),
      'float64',
    );
    return PRESETS[this.config.preset].delays === 'after-stacking' ? makeDelayed(X, this.config.delays) : X;
  }

  /** Design column names: `<feature>@<delay>`, delay-major (makeDelayed's layout). */
  designColumns(columns: readonly string[]): string[] {
    const out: string[] = [];
    for (const d of this.config.delays) for (const c of columns) out.push(`${c}@${d}`);
    return out;
  }

  /** Train/test design matrices (test-stories mode). */
  async trainTest(plan: { train: string[]; test: string[] }, stages: FeatureStages, ctx: StageContext): Promise<DesignMatrices> {
    this.startDesign();
    const train = await this.blocks(plan.train, 'train', stages, ctx);
    const test = await this.blocks(plan.test, 'test', stages, ctx);
    const Ytr = await this.targetsFor(plan.train, 'train');
    const Yte = await this.targetsFor(plan.test, 'test');
    return {
      Xtrain: this.stackFeatures(train.blocks),
      Ytrain: Ytr.Y,
      Xtest: this.stackFeatures(test.blocks),
      Ytest: Yte.Y,
      groups: Ytr.groups,
      trainStories: plan.train,
      testStories: plan.test,
      nFeatures: train.nFeatures,
      perExtractor: train.perExtractor,
      columns: this.designColumns(train.columns),
      testRows: { story: Yte.story, tr: Yte.tr },
    };
  }

  /** All stories stacked with their story index as group (nested-cv mode). */
  async pooled(
    stories: string[],
    stages: FeatureStages,
    ctx: StageContext,
  ): Promise<{
    X: Matrix;
    Y: Matrix<Float32Array>;
    groups: Int32Array;
    rows: { story: string[]; tr: Int32Array };
    columns: string[];
    nFeatures: number;
    perExtractor: number[];
  }> {
    this.startDesign();
    const all = await this.blocks(stories, 'train', stages, ctx);
    const Y = await this.targetsFor(stories, 'train');
    return {
      X: this.stackFeatures(all.blocks),
      Y: Y.Y,
      groups: Y.groups,
      rows: { story: Y.story, tr: Y.tr },
      columns: this.designColumns(all.columns),
      nFeatures: all.nFeatures,
      perExtractor: all.perExtractor,
    };
  }
}
