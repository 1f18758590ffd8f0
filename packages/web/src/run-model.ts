import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import type { BrainGeometry, Matrix } from '@voxelwise/core';
import { BUILTIN_DOWNSAMPLERS } from '@voxelwise/downsample';
import { lmOptionsSchema } from '@voxelwise/features-lm/browser';
import type { ResolvedLmOptions } from '@voxelwise/features-lm/browser';
import { fsError } from '@voxelwise/io';
import { PRESETS, readRunJson, readScores, readWeights } from '@voxelwise/trainer';
import type { PresetName, RunJson } from '@voxelwise/trainer';
import type { DesignSettings } from './pipeline.js';

const WHERE = 'web:run';

/** What predicting from a run needs: its feature, design and weights, read from the run directory. */
export interface RunModel {
  readonly dir: string;
  readonly run: RunJson;
  /** The `lm` options of the run (defaults filled), with the exported variant's layer. */
  readonly lm: ResolvedLmOptions;
  /** Every extractor of the run in design order (the `lm` one with {@link lm}'s layer). */
  readonly features: ReadonlyArray<{ readonly name: string; readonly options: Readonly<Record<string, unknown>> }>;
  /** The run's cache folder (where a hub model was downloaded), absolute. */
  readonly cacheDir: string;
  readonly design: DesignSettings;
  readonly zscoreTargets: boolean;
  readonly tr: number;
  /** Features × voxels, as fitted. */
  readonly weights: Matrix<Float32Array>;
  /** Test-set Pearson r per voxel. */
  readonly r: Float64Array;
  readonly geometry?: BrainGeometry;
}

interface RunConfig {
  cacheDir?: string;
  features?: Array<{ name: string; options?: Record<string, unknown> }>;
  downsampler?: { name: string; options?: Record<string, unknown> };
  delays?: number[];
  preset?: string;
  zscore?: { features?: boolean; targets?: boolean };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fsError(error, file, WHERE, 'read');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where: WHERE, message: `${file} is not valid JSON`, cause });
  }
}

function unsupported(dir: string, message: string, hint: string): Error {
  return voxelwiseError({ code: 'E_CONFIG_INVALID', where: WHERE, message: `run ${dir}: ${message}`, hint, details: { run: dir } });
}

/**
 * Reads what predicting from a run needs: `run.json`, `config.json` (the resolved config), the
 * selected variant's `weights.arrow` and `scores.arrow`, and the assembly's geometry. Only runs
 * with one `lm` extractor and a built-in downsampler can be predicted from text; anything else is
 * `E_CONFIG_INVALID` saying why.
 */
export async function readRunModel(runDir: string): Promise<RunModel> {
  const dir = resolve(runDir);
  const run = await readRunJson(dir);
  const config = (await readJson(join(dir, 'config.json'))) as RunConfig;
  const features = config.features ?? [];
  const lmAt = features.findIndex((f) => f.name === 'lm');
  if (lmAt < 0 || features.findIndex((f, i) => f.name === 'lm' && i !== lmAt) >= 0) {
    throw unsupported(
      dir,
      `its features are [${features.map((f) => f.name).join(', ')}], with ${lmAt < 0 ? 'no' : 'more than one'} lm extractor`,
      'Text-to-prediction needs a run with one lm extractor (the language model the page and voxelwise predict run on the text).',
    );
  }
  const ds = config.downsampler ?? { name: 'lanczos' };
  if (!(BUILTIN_DOWNSAMPLERS as readonly string[]).includes(ds.name)) {
    throw unsupported(dir, `its downsampler "${ds.name}" is not built in`, `Built-in downsamplers: ${BUILTIN_DOWNSAMPLERS.join(', ')}.`);
  }
  if (!run.files.weights) {
    throw unsupported(dir, 'it saved no weights (saveWeights: false)', 'Train again with saveWeights: true (the default).');
  }
  const preset = PRESETS[(config.preset ?? 'litcoder') as PresetName];
  if (!preset) throw unsupported(dir, `unknown preset "${config.preset}"`, `Presets: ${Object.keys(PRESETS).join(', ')}.`);
  const options = { ...(features[lmAt]!.options ?? {}), ...(run.files.layer !== undefined ? { layer: run.files.layer } : {}) };
  const parsed = lmOptionsSchema.safeParse(options);
  if (!parsed.success) throw unsupported(dir, `its lm options do not parse (${parsed.error.message})`, 'Re-run with a current voxelwise.');
  const tr = run.assembly.tr;
  if (tr === undefined || !(tr > 0)) throw unsupported(dir, 'run.json records no TR', 'The assembly must record its TR (metadata.tr).');
  const { weights } = await readWeights(join(dir, run.files.weights));
  const { r } = await readScores(join(dir, run.files.scores));
  let geometry: BrainGeometry | undefined;
  try {
    // assembly.json is the assembly's metadata (core AssemblyMetadata).
    geometry = ((await readJson(join(dir, 'assembly.json'))) as { geometry?: BrainGeometry }).geometry;
  } catch {
    // Older runs have no assembly.json: the page shows the sorted-voxel view.
  }
  const cacheDir = config.cacheDir ?? '.voxelwise-cache';
  return {
    dir,
    run,
    lm: parsed.data,
    features: features.map((f, i) => ({ name: f.name, options: i === lmAt ? options : (f.options ?? {}) })),
    cacheDir: isAbsolute(cacheDir) ? cacheDir : resolve(cacheDir),
    design: {
      downsampler: { name: ds.name, options: ds.options ?? {} },
      delays: config.delays ?? [1, 2, 3, 4],
      delayOrder: preset.delays,
      zscoreFeatures: config.zscore?.features ?? preset.zscoreFeatures,
    },
    zscoreTargets: config.zscore?.targets ?? preset.zscoreTargets,
    tr,
    weights,
    r,
    ...(geometry ? { geometry } : {}),
  };
}
