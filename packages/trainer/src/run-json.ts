import { join } from 'node:path';
import { brainGeometrySchema, formatIssues, voxelwiseError, z } from '@voxelwise/core';
import { readJsonFile } from './read-json.js';

/** The files of one variant (the run, or one layer of a sweep), relative to the run directory. */
export const variantFilesSchema = z.object({
  label: z.string(),
  layer: z.number().int().optional(),
  /** Folder of the variant (`.` for the top level, `layers/layer-<n>` in a sweep). */
  dir: z.string(),
  metrics: z.string(),
  scores: z.string(),
  timeseries: z.string().optional(),
  weights: z.string().optional(),
});

/** The files of one variant, relative to the run directory. */
export type VariantFiles = z.output<typeof variantFilesSchema>;

const splitSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('test-stories'), train: z.array(z.string()), test: z.array(z.string()) }),
  z.object({ mode: z.literal('nested-cv'), stories: z.array(z.string()), outerFolds: z.number().int().optional() }),
]);

/**
 * Where a run's per-voxel results about several feature spaces and repeats are (file and column
 * names): band weights γ and penalties λ of a banded model, its split scores, the variance
 * partition, the noise ceiling.
 */
const spacesRecordSchema = z.object({
  bands: z
    .object({
      names: z.array(z.string()),
      file: z.string(),
      /** Column names per band, in band order. */
      columns: z.object({
        gamma: z.array(z.string()),
        lambda: z.array(z.string()),
        rSplit: z.array(z.string()).optional(),
        r2Split: z.array(z.string()).optional(),
      }),
      /** How λ relates to γ and alpha. */
      convention: z.string(),
    })
    .optional(),
  partition: z.object({ spaces: z.array(z.string()), file: z.string(), columns: z.array(z.string()) }).optional(),
  noiseCeiling: z
    .object({ stories: z.array(z.string()), nRepeats: z.number().int(), file: z.string(), columns: z.array(z.string()) })
    .optional(),
});

/** Where a run's band, partition and noise-ceiling columns are (see {@link spacesRecordSchema}). */
export type SpacesRecord = z.output<typeof spacesRecordSchema>;

/**
 * The schema of `run.json`, the record of a finished run: what ran (config hash, preset, split,
 * model), on what (assembly), how long each stage took, with which package versions, and where
 * its files are. The writer and every reader (run listing, report) use it. Fields added later
 * are optional, so run directories written by earlier versions still read.
 */
/** A module that ran with the run: specifier as written, resolved file, SHA-256 (core `PluginRecord`). */
const moduleRecord = z.object({ specifier: z.string(), resolvedPath: z.string(), sha256: z.string() });

export const runJsonSchema = z.object({
  runId: z.string(),
  name: z.string(),
  /** `ok`: only finished runs get a run directory. */
  status: z.string(),
  /** ISO 8601 start time. */
  startedAt: z.string(),
  durationMs: z.number(),
  /** sha256 of the config's science keys. */
  configHash: z.string(),
  preset: z.string(),
  split: splitSchema,
  assembly: z.object({
    subject: z.string().optional(),
    /**
     * Where the voxel columns lie in the brain (core `BrainGeometry`), when the assembly source
     * knew it: the report draws brain maps and `voxelwise export` writes NIfTI/GIfTI from it.
     */
    geometry: brainGeometrySchema.optional(),
    /** Repetition time, seconds. */
    tr: z.number().optional(),
    nVoxels: z.number().int().optional(),
    trimming: z.string().optional(),
    provenance: z.record(z.string(), z.unknown()).optional(),
  }),
  model: z.object({
    name: z.string(),
    /** The model's options with defaults filled. */
    options: z.unknown(),
    /** The model's free-form extras, long arrays summarised as `{ type, length }`. */
    info: z.record(z.string(), z.unknown()),
    /** The alphas the model searched (its validation report), in its own convention. */
    alphaGrid: z.array(z.number()).optional(),
    /** The model's alpha convention, from its penalty report. */
    penalty: z.object({ convention: z.string(), description: z.string() }).optional(),
  }),
  /** Label of the variant the top-level files describe (`main`, or the selected layer). */
  selected: z.string(),
  /** The reference pipeline the config's `compat` switched to, if any. */
  compat: z.string().optional(),
  /**
   * Plugin modules the run loaded: specifier, resolved file and its SHA-256 (core `PluginRecord`).
   * Absent in run.json files written before it was recorded.
   */
  plugins: z.array(moduleRecord).optional(),
  /** The config file the run came from (core `PluginRecord`); absent for runs started from code. */
  configFile: moduleRecord.optional(),
  /**
   * Stories whose speech runs past the end of their TR grid, as the assembly source accepted them
   * (core `StoryOverhang`, by story name). Absent when none do, and in older run.json files.
   */
  overhang: z.record(z.string(), z.object({ words: z.number(), seconds: z.number(), gridEnd: z.number() })).optional(),
  /** Band weights, split scores, partition and noise ceiling columns, when the run has them. */
  spaces: spacesRecordSchema.optional(),
  files: variantFilesSchema,
  /** Every layer of a sweep (empty outside sweeps). */
  variants: z.array(variantFilesSchema),
  /** Milliseconds per stage. */
  timings: z.record(z.string(), z.number()),
  /** Versions of Node and of the packages the run used. */
  versions: z.record(z.string(), z.string()),
});

/** The content of `run.json` (see {@link runJsonSchema}). */
export type RunJson = z.output<typeof runJsonSchema>;

/** Checks a parsed `run.json`; `E_FILE_FORMAT` naming the file and the keys that do not fit. */
export function parseRunJson(value: unknown, source = 'run.json'): RunJson {
  const parsed = runJsonSchema.safeParse(value);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'trainer:run-json',
      message: `${source} is not a voxelwise run record: ${formatIssues(parsed.error.issues).replaceAll('option "', 'key "')}`,
      details: { source, issues: parsed.error.issues },
      hint: 'Pass a run directory written by "voxelwise train" (results/<run-id>).',
    });
  }
  return parsed.data;
}

/**
 * Reads and checks `<runDir>/run.json`.
 *
 * @example
 * const run = await readRunJson('results/demo-20260101-120000-1a2b3c4d');
 * console.log(run.model.name, run.timings);
 */
export async function readRunJson(runDir: string): Promise<RunJson> {
  const path = join(runDir, 'run.json');
  return parseRunJson(await readJsonFile(path, 'trainer:run-json'), path);
}
