import { definePlugin, defineStage, formatIssues, voxelwiseError } from '@voxelwise/core';
import type { DownsampleInput, Downsampler, DownsamplerOptionsMap, Matrix, StageContext, z } from '@voxelwise/core';
import { gaborDownsample } from './gabor.js';
import { labelDownsample, legacyDownsample } from './group.js';
import type { GroupReduce } from './group.js';
import { lanczosDownsample } from './lanczos.js';
import { gaborSchema, lanczosSchema, rectSchema, sincSchema, splitSchema } from './options.js';
import { rectDownsample } from './rect.js';
import { sincDownsample, sincParameters } from './sinc.js';

type Resolved<S extends z.ZodType> = z.output<S>;

function optionText(options: Record<string, unknown>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(', ');
}

/** The `lanczos` downsampler stage (banded; Huth and the LITcoder paper use window 3, cutoffMult 1). */
export const lanczosStage = defineStage({
  kind: 'downsampler',
  name: 'lanczos',
  description: 'Lanczos filter over word times (window lobes, cut-off cutoffMult/TR), unnormalised as Huth/LITcoder; banded.',
  options: lanczosSchema,
  create: (options): Downsampler => ({ id: `lanczos(${optionText(options)})`, downsample: (input) => lanczosDownsample(input, options) }),
});

/** The `sinc` downsampler stage (LITcoder kernel: weight 0 at τ = 0, rows renormalised). */
export const sincStage = defineStage({
  kind: 'downsampler',
  name: 'sinc',
  description: 'Windowed sinc over word times (LITcoder kernel, optional causal, rows renormalised); banded.',
  options: sincSchema,
  create: (options, ctx): Downsampler => ({
    id: `sinc(${optionText(options)})`,
    downsample: (input) => {
      const out = sincDownsample(input, options);
      // LITcoder prints the cut-off on every call; voxelwise reports it as a debug event.
      const { cutoff, halfWidth } = sincParameters(input.trTimes, options);
      ctx.emit({
        type: 'log',
        level: 'debug',
        stage: 'downsample/sinc',
        message: `sinc interpolation with cutoff ${cutoff.toFixed(3)} Hz, half-width ${halfWidth.toFixed(3)} s`,
        details: { cutoff, halfWidth },
      });
      return out;
    },
  }),
});

/** The `gabor` downsampler stage (|Gabor transform| per feature and frequency). */
export const gaborStage = defineStage({
  kind: 'downsampler',
  name: 'gabor',
  description: 'Magnitude of a Gabor transform per feature and frequency (freqs Hz, sigma s); columns feature-major; banded.',
  options: gaborSchema,
  create: (options): Downsampler => ({ id: `gabor(${optionText(options)})`, downsample: (input) => gaborDownsample(input, options) }),
});

/** The `rect` downsampler stage. */
export const rectStage = defineStage({
  kind: 'downsampler',
  name: 'rect',
  description: 'Mean of the words inside each TR window [t − TR/2, t + TR/2); 0 when empty (LITcoder rect).',
  options: rectSchema,
  create: (): Downsampler => ({ id: 'rect', downsample: (input) => rectDownsample(input) }),
});

/** Reports once per stage instance that labels were derived from word times. */
function splitStage(name: string, reduce: GroupReduce, legacy: boolean, description: string) {
  return defineStage({
    kind: 'downsampler',
    name,
    description,
    options: splitSchema,
    create: (options, ctx: StageContext): Downsampler => {
      let told = false;
      return {
        id: `${name}(${optionText(options)})`,
        downsample: (input) => {
          if (input.splitIndices === undefined && !told) {
            told = true;
            ctx.emit({
              type: 'log',
              level: 'info',
              stage: `downsample/${name}`,
              message: legacy
                ? `${name}: no split indices given; chunks follow the TR ends (t + TR/2) of the word times`
                : `${name}: no split indices given; words are assigned to TRs by the rect window [t − TR/2, t + TR/2)`,
            });
          }
          return legacy ? legacyDownsample(input, reduce, options) : labelDownsample(input, reduce, options);
        },
      };
    },
  });
}

/** The `average` stage: mean of the words labelled with each TR. */
export const averageStage = splitStage(
  'average',
  'mean',
  false,
  'Mean of the words of each TR by split-index label (or rect windows when none); LITcoder average.',
);
/** The `sum` stage: sum of the words labelled with each TR. */
export const sumStage = splitStage(
  'sum',
  'sum',
  false,
  'Sum of the words of each TR by split-index label (or rect windows when none); LITcoder sum.',
);
/** The `last` stage: the highest-index word labelled with each TR. */
export const lastStage = splitStage(
  'last',
  'last',
  false,
  'Last (highest-index) word of each TR by split-index label (or rect windows when none); LITcoder last.',
);
/** The `legacy-average` stage: mean of each np.split chunk. */
export const legacyAverageStage = splitStage(
  'legacy-average',
  'mean',
  true,
  'Mean of each np.split chunk of the split indices (Huth chunkmeans); LITcoder legacy_average.',
);
/** The `legacy-sum` stage: sum of each np.split chunk. */
export const legacySumStage = splitStage(
  'legacy-sum',
  'sum',
  true,
  'Sum of each np.split chunk of the split indices (Huth chunksums); LITcoder legacy_sum.',
);
/** The `legacy-last` stage: last row of each np.split chunk. */
export const legacyLastStage = splitStage(
  'legacy-last',
  'last',
  true,
  'Last row of each np.split chunk of the split indices; LITcoder legacy_last.',
);

type Runner<S extends z.ZodType> = { schema: S; run(options: Resolved<S>, input: DownsampleInput): Matrix };
const runner = <S extends z.ZodType>(schema: S, run: (options: Resolved<S>, input: DownsampleInput) => Matrix): Runner<S> => ({
  schema,
  run,
});

const RUNNERS = {
  lanczos: runner(lanczosSchema, (o, input) => lanczosDownsample(input, o)),
  sinc: runner(sincSchema, (o, input) => sincDownsample(input, o)),
  gabor: runner(gaborSchema, (o, input) => gaborDownsample(input, o)),
  rect: runner(rectSchema, (_o, input) => rectDownsample(input)),
  average: runner(splitSchema, (o, input) => labelDownsample(input, 'mean', o)),
  sum: runner(splitSchema, (o, input) => labelDownsample(input, 'sum', o)),
  last: runner(splitSchema, (o, input) => labelDownsample(input, 'last', o)),
  'legacy-average': runner(splitSchema, (o, input) => legacyDownsample(input, 'mean', o)),
  'legacy-sum': runner(splitSchema, (o, input) => legacyDownsample(input, 'sum', o)),
  'legacy-last': runner(splitSchema, (o, input) => legacyDownsample(input, 'last', o)),
} as const;

/** Names of the built-in downsamplers. */
export type BuiltinDownsampler = keyof typeof RUNNERS;

/** The built-in downsampler names, in LITcoder's order of `available_methods`. */
export const BUILTIN_DOWNSAMPLERS = Object.keys(RUNNERS) as BuiltinDownsampler[];

/**
 * Runs a built-in method by name without a registry, like LITcoder's
 * `Downsampler().downsample(data, data_times, tr_times, method, **kwargs)`, but options are
 * camelCase and validated: a missing required option or an unknown one is `E_OPTIONS_INVALID`.
 *
 * @example
 * const y = downsample({ data, dataTimes, trTimes }, { name: 'lanczos', options: { window: 3, cutoffMult: 1 } });
 */
export function downsample<N extends BuiltinDownsampler>(
  input: DownsampleInput,
  ref: { name: N; options?: DownsamplerOptionsMap[N] },
): Matrix {
  const entry = (RUNNERS as Record<string, Runner<z.ZodType> | undefined>)[ref.name];
  if (!entry) {
    throw voxelwiseError({
      code: 'E_STAGE_UNKNOWN',
      where: 'downsample',
      message: `unknown downsampling method "${ref.name}"`,
      expected: BUILTIN_DOWNSAMPLERS,
      hint: 'LITcoder names use underscores (legacy_average); voxelwise uses kebab-case (legacy-average).',
    });
  }
  const parsed = entry.schema.safeParse(ref.options ?? {});
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: `downsample:${ref.name}`,
      message: `invalid options for downsampler "${ref.name}": ${formatIssues(parsed.error.issues)}`,
      details: { name: ref.name, issues: parsed.error.issues },
    });
  }
  return entry.run(parsed.data, input);
}

/**
 * The downsampler plugin: every resampling method of LITcoder as a registered stage
 * (`lanczos`, `sinc`, `gabor`, `rect`, `average`, `sum`, `last`, `legacy-average`,
 * `legacy-sum`, `legacy-last`).
 *
 * @example
 * const registry = createRegistry().use(downsamplers());
 * const lanczos = await registry.create('downsampler', { name: 'lanczos', options: { window: 3, cutoffMult: 1 } }, ctx);
 */
export function downsamplers() {
  return definePlugin('@voxelwise/downsample', [
    lanczosStage,
    sincStage,
    gaborStage,
    rectStage,
    averageStage,
    sumStage,
    lastStage,
    legacyAverageStage,
    legacySumStage,
    legacyLastStage,
  ]);
}
