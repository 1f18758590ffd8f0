import { canonicalJson, voxelwiseError, z, formatIssues } from '@voxelwise/core';
import type { StageRef } from '@voxelwise/core';
import { PRESETS } from './presets.js';
import type { Preset, PresetName } from './presets.js';
import { TRIMMING_PRESETS, normaliseTrimmingInput } from './trimming.js';
import { COMPAT } from './compat.js';
import type { CompatName } from './compat.js';
import { PARTITION_SPACES } from './partition-spaces.js';

const stageRef = z
  .object({
    name: z.string().min(1),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

// The strings core's parseSize reads (SI units powers of 10, IEC units powers of 2); the pattern
// also documents them in the config's JSON Schema.
const sizeString = z.union([
  z.number().positive(),
  z
    .string()
    .regex(
      /^\s*\d+(\.\d+)?(e[+-]?\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/i,
      'a size such as "4GB" (4·10⁹ bytes), "4GiB" (4·2³⁰ bytes) or a number of bytes',
    ),
]);

/** A Python-style row slice `[start:end]`; `end: null` keeps the rest, negative values count from the end. */
const slice = z.object({ start: z.number().int().default(0), end: z.number().int().nullable().default(null) }).strict();

/** Row trims per role; a role left out uses the story's own trim (features) or keeps every row (targets). */
const trimmingObject = z
  .object({
    trainFeatures: slice.optional(),
    trainTargets: slice.optional(),
    testFeatures: slice.optional(),
    testTargets: slice.optional(),
    /**
     * Check that the first kept feature row and the first kept response row are the same TR, so an
     * inverted trim (e.g. 5/10 instead of 10/5) fails instead of silently halving every score.
     */
    checkAlignment: z.boolean().default(true),
  })
  .strict();

const trimming = z.preprocess(
  normaliseTrimmingInput,
  z.union([z.enum(Object.keys(TRIMMING_PRESETS) as [keyof typeof TRIMMING_PRESETS, ...(keyof typeof TRIMMING_PRESETS)[]]), trimmingObject]),
);

/** The default resampler: Lanczos, window 3, cutoff 1 (Huth and the LITcoder paper; not LITcoder's silent `rect`). */
export const DEFAULT_DOWNSAMPLER = { name: 'lanczos', options: { window: 3, cutoffMult: 1 } } as const;

/** The runtime schema of a run config (JSON, YAML or TS). */
export const configSchema = z
  .object({
    $schema: z.string().optional(),
    /** Run name, used in the run id. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
      .default('run'),
    seed: z.number().int().default(0),
    /** Where run directories go. */
    outDir: z.string().default('results'),
    cacheDir: z.string().default('.voxelwise-cache'),
    memoryBudget: sizeString.default('4GB'),
    assembly: stageRef,
    /** Feature extractors; their columns are concatenated in this order. */
    features: z.array(stageRef).min(1),
    /**
     * Layer sweep: fit once per layer, setting the `layer` option of every feature whose stage has
     * one (e.g. `lm`). Feature caches are shared, so the language model runs once. Negative layers
     * count from the end (−1 = the last), as the `lm` extractor's `layer` option; every layer is
     * checked against the model before the first fit.
     */
    layers: z.array(z.number().int()).min(1).optional(),
    /** Resampler for word-level features (TR-level features skip it). */
    downsampler: stageRef.default({ ...DEFAULT_DOWNSAMPLER, options: { ...DEFAULT_DOWNSAMPLER.options } }),
    /** FIR delays in TRs. */
    delays: z.array(z.number().int()).min(1).default([1, 2, 3, 4]),
    /**
     * Pipeline order: `litcoder` (per story: delays → trim → z-score, then stack; LITcoder
     * AbstractTrainer) or `huth` (per story: trim → z-score, stack, then delays; Huth encoding.py).
     */
    preset: z.enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]]).default('litcoder'),
    /**
     * Set every documented difference to one reference pipeline's behaviour at once (validation
     * score, p sidedness, alpha ties, trimming, default resampler, reported metric; see `COMPAT`).
     * Keys written in the config win over it.
     */
    compat: z.enum(Object.keys(COMPAT) as [CompatName, ...CompatName[]]).optional(),
    /**
     * The per-voxel test score reported beside Pearson r: `signed-sqrt-r2` adds sign(R²)·√|R²| with
     * R² = 1 − var(y − ŷ)/var(y), the "corrs" of Huth's encoding.py (`use_corr` False). Left out:
     * `r` only (and config hashes stay as they were).
     */
    metric: z.enum(['r', 'signed-sqrt-r2']).optional(),
    /**
     * Variance partitioning between the feature spaces (2 or 3 `features`, test-stories mode): the
     * model is fitted again on every union of spaces and each voxel's test R² is split into the
     * part unique to each space and the parts they share (scores.arrow `r2_unique_<space>`,
     * `r2_shared_<A+B>`; metrics.json `partition`). Left out: no partition (config hashes stay).
     */
    partition: z.boolean().optional(),
    /** Override the preset's z-scoring (per story, ddof 0). */
    zscore: z.object({ features: z.boolean().optional(), targets: z.boolean().optional() }).strict().default({}),
    /**
     * Row trims as Python slices, or a named set (`story`: each story's own trim; `litcoder-lebel`:
     * LITcoder's LeBel trimming_config). LITcoder's flat keys (`train_features_start`, …) are accepted.
     */
    trimming: trimming.default('story'),
    split: z
      .object({
        /** `test-stories`: fit on the other stories, score on the held-out ones; `nested-cv`: outer folds over stories. */
        mode: z.enum(['test-stories', 'nested-cv']).default('test-stories'),
        /** Held-out stories (test-stories mode); default: the assembly's test stories. */
        testStories: z.array(z.string()).min(1).optional(),
        /** Only these stories (train + test); default all. */
        stories: z.array(z.string()).min(2).optional(),
        /**
         * Outer folds (nested-cv mode): the stories are cut into this many contiguous groups. By
         * default each story is its own group and the model chooses the folds (ridge-cv: up to 5
         * folds of whole stories).
         */
        outerFolds: z.number().int().min(2).optional(),
      })
      .strict()
      .default({ mode: 'test-stories' }),
    /** The model; default: the preset's (`ridge-cv` with LITcoder's or Huth's settings). */
    model: stageRef.optional(),
    loggers: z.array(stageRef).default([]),
    /** Save the fitted weights (features × voxels) as Arrow in the run directory. */
    saveWeights: z.boolean().default(true),
    report: z
      .object({
        /** Write report.html. */
        enabled: z.boolean().default(true),
        /** Voxels whose predicted and measured test series are kept and plotted. */
        topVoxels: z.number().int().min(1).max(50).default(6),
      })
      .strict()
      .default({ enabled: true, topVoxels: 6 }),
  })
  .strict();

/** A validated config with defaults filled (the model from the preset when none is named). */
export type ResolvedConfig = Omit<z.output<typeof configSchema>, 'model'> & { model: z.output<typeof stageRef> };

/** Resolved trimming: a named set or explicit slices. */
export type TrimmingConfig = ResolvedConfig['trimming'];

/** A config as written in TypeScript: stage names and options checked at compile time. */
export interface VoxelwiseConfig extends Omit<
  z.input<typeof configSchema>,
  'assembly' | 'features' | 'downsampler' | 'model' | 'loggers' | 'trimming'
> {
  assembly: StageRef<'assembly-source'>;
  features: [StageRef<'extractor'>, ...StageRef<'extractor'>[]];
  downsampler?: StageRef<'downsampler'>;
  model?: StageRef<'model'>;
  loggers?: StageRef<'logger'>[];
  /** Row trims: a named set, explicit slices, or LITcoder's flat `trimming_config` keys. */
  trimming?: z.input<typeof trimmingObject> | keyof typeof TRIMMING_PRESETS | LitcoderTrimmingConfig;
}

/** LITcoder's `trimming_config` dict, accepted as written in its tutorials. */
export interface LitcoderTrimmingConfig {
  train_features_start?: number;
  train_features_end?: number | null;
  train_targets_start?: number;
  train_targets_end?: number | null;
  test_features_start?: number;
  test_features_end?: number | null;
  test_targets_start?: number;
  test_targets_end?: number | null;
}

/**
 * Identity helper that types a config file.
 *
 * @example
 * export default defineConfig({
 *   assembly: { name: 'simulated', options: { seed: 1 } },
 *   features: [{ name: 'wordrate' }],
 * });
 */
export function defineConfig<const C extends VoxelwiseConfig>(config: C): C {
  return config;
}

function configError(source: string, message: string, extra: { got?: unknown; hint?: string } = {}): Error {
  return voxelwiseError({
    code: 'E_CONFIG_INVALID',
    where: 'trainer:config',
    message: `${source}: ${message}`,
    ...(extra.got === undefined ? {} : { got: extra.got }),
    ...(extra.hint === undefined ? {} : { hint: extra.hint }),
  });
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Fills what `compat` sets into the keys the written config (`raw`) leaves out: preset, trimming,
 * downsampler, metric, and the `ridge-cv` options that are not written.
 */
function applyCompat(parsed: z.output<typeof configSchema>, raw: Record<string, unknown>): z.output<typeof configSchema> {
  if (!parsed.compat) return parsed;
  const c = COMPAT[parsed.compat];
  return {
    ...parsed,
    ...('preset' in raw ? {} : { preset: c.preset }),
    ...('trimming' in raw ? {} : { trimming: c.trimming }),
    ...('downsampler' in raw
      ? {}
      : { downsampler: { name: c.downsampler.name, ...(c.downsampler.options ? { options: { ...c.downsampler.options } } : {}) } }),
    ...('metric' in raw || c.metric === undefined ? {} : { metric: c.metric }),
  };
}

/** Validates a config, throwing `E_CONFIG_INVALID` that names the offending key. */
export function resolveConfig(input: unknown, source = 'config'): ResolvedConfig {
  const first = configSchema.safeParse(input);
  if (!first.success) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'trainer:config',
      message: `${source} is invalid: ${formatIssues(first.error.issues).replaceAll('option "', 'key "')}`,
      details: { source, issues: first.error.issues },
      hint: 'Fix the keys named above; "voxelwise train --help" shows the config format.',
    });
  }
  // A successful parse means the input is an object: the keys it writes win over compat.
  const raw = input as Record<string, unknown>;
  const parsed = applyCompat(first.data, raw);
  const presetModel: Preset['model'] = PRESETS[parsed.preset].model;
  const model = parsed.model ?? {
    name: presetModel.name,
    ...(presetModel.options ? { options: structuredClone(presetModel.options) as Record<string, unknown> } : {}),
  };
  if (parsed.compat && model.name === 'ridge-cv') {
    const written = isRecord(raw['model']) && isRecord(raw['model']['options']) ? raw['model']['options'] : {};
    const options: Record<string, unknown> = { ...(model.options ?? {}) };
    for (const [key, value] of Object.entries(COMPAT[parsed.compat].ridge)) if (!(key in written)) options[key] = value;
    model.options = options;
  }
  const config: ResolvedConfig = { ...parsed, model };
  if (config.split.mode === 'test-stories' && config.split.outerFolds !== undefined) {
    throw configError(source, 'key "split.outerFolds" only applies to split.mode "nested-cv"', {
      hint: 'Remove it or set split.mode to "nested-cv".',
    });
  }
  if (config.split.mode === 'nested-cv' && config.split.testStories !== undefined) {
    throw configError(source, 'key "split.testStories" does not apply to split.mode "nested-cv" (every story is held out once)', {
      hint: 'Remove split.testStories or use split.mode "test-stories".',
    });
  }
  if (config.partition) {
    const n = config.features.length;
    if (n < PARTITION_SPACES.min || n > PARTITION_SPACES.max) {
      throw configError(
        source,
        `key "partition" needs ${PARTITION_SPACES.min} or ${PARTITION_SPACES.max} feature spaces, and "features" lists ${n}`,
        {
          got: n,
          hint:
            n < PARTITION_SPACES.min
              ? 'Add a second feature space (e.g. { name: "wordrate" } next to the language model), or remove "partition".'
              : 'Partition at most 3 spaces at a time (7 fits): group or drop features, or remove "partition".',
        },
      );
    }
    if (config.split.mode === 'nested-cv') {
      throw configError(source, 'key "partition" applies to split.mode "test-stories" (it splits the test R²)', {
        hint: 'Remove "partition" or use split.mode "test-stories".',
      });
    }
  }
  if (config.layers && new Set(config.layers).size !== config.layers.length) {
    throw configError(source, 'key "layers" lists a layer twice', { got: config.layers });
  }
  const delaySeen = new Set<number>();
  for (const [i, d] of config.delays.entries()) {
    if (delaySeen.has(d)) {
      throw configError(source, `key "delays[${i}]" repeats delay ${d}: the same delayed copy twice makes the design singular`, {
        got: config.delays,
        hint: 'List each delay once.',
      });
    }
    delaySeen.add(d);
  }
  const featureSeen = new Map<string, number>();
  for (const [i, f] of config.features.entries()) {
    const key = canonicalJson({ name: f.name, options: f.options ?? {} });
    const j = featureSeen.get(key);
    if (j !== undefined) {
      throw configError(
        source,
        `key "features[${i}]" repeats features[${j}] ("${f.name}" with the same options): its columns would be duplicated`,
        {
          hint: 'Remove the repeated entry (or change its options).',
        },
      );
    }
    featureSeen.set(key, i);
  }
  return config;
}
