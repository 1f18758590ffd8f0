import { z } from '@voxelwise/core';

const folds = z.number().int().min(2);

/** Zod schema of a fold specification (LITcoder's fold names; Huth's bootstrap). */
export const foldSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('kfold'), n: folds.default(5) }).strict(),
  z.object({ type: z.literal('kfold_trimmed'), n: folds.default(5), trim: z.number().int().min(0).default(5) }).strict(),
  z.object({ type: z.literal('chunked'), n: folds.default(5), chunkLength: z.number().int().min(1).default(20) }).strict(),
  z.object({ type: z.literal('chunked_contiguous'), n: folds.default(5), chunkLength: z.number().int().min(1).default(20) }).strict(),
  z
    .object({
      type: z.literal('chunked_trimmed'),
      n: folds.default(5),
      chunkLength: z.number().int().min(1).default(20),
      trim: z.number().int().min(0).default(5),
    })
    .strict(),
  z.object({ type: z.literal('timeseries'), n: folds.default(5) }).strict(),
  z.object({ type: z.literal('group'), n: folds.default(5) }).strict(),
  z
    .object({
      type: z.literal('bootstrap'),
      nboots: z.number().int().min(1).default(50),
      chunkLength: z.number().int().min(1).default(40),
      nchunks: z.number().int().min(1).default(125),
    })
    .strict(),
]);

/** LITcoder's default alpha grid, np.logspace(−1, 8, 10). */
export const LITCODER_ALPHAS: readonly number[] = Array.from({ length: 10 }, (_, i) => 10 ** (i - 1));

/** Zod schema of the `ridge-cv` options. */
export const ridgeCVOptionsSchema = z
  .object({
    alphas: z
      .array(z.number().positive().finite())
      .nonempty()
      .default(() => [...LITCODER_ALPHAS] as [number, ...number[]]),
    normalpha: z.boolean().default(true),
    singcutoff: z.number().min(0).default(1e-10),
    alphaMode: z.enum(['per-voxel', 'single']).default('per-voxel'),
    /**
     * Which alpha wins a tie of validation scores: `larger-alpha` (the smoother model, as himalaya)
     * or `first`, the first in grid order (numpy argmax, as LITcoder and Huth's ridge.py).
     */
    tieBreak: z.enum(['larger-alpha', 'first']).default('larger-alpha'),
    folds: foldSpecSchema.optional(),
    nFolds: folds.optional(),
    outerFolds: foldSpecSchema.optional(),
    score: z.enum(['pearson', 'r2', 'signed-sqrt-r2', 'litcoder', 'huth']).default('pearson'),
    alternative: z.enum(['greater', 'two-sided', 'less']).default('greater'),
    fdr: z.number().gt(0).lt(1).default(0.05),
    permutations: z.number().int().min(0).default(0),
    /**
     * How nested cross-validation combines a voxel's outer-fold p-values: `bonferroni`
     * (k·min p, valid whatever the dependence between folds) or `fisher` (LITcoder's
     * `combine_pvalues(method="fisher")`, which assumes independent folds; the folds of one voxel
     * are positively dependent, so it gives too many false positives).
     */
    combine: z.enum(['bonferroni', 'fisher']).default('bonferroni'),
    blockLength: z.number().int().min(1).default(10),
    ciResamples: z.number().int().min(0).default(0),
    ciLevel: z.number().gt(0).lt(1).default(0.95),
    backend: z.enum(['auto', 'onnx', 'pure']).default('auto'),
    threads: z.number().int().min(1).optional(),
    spin: z.boolean().optional(),
    solver: z.enum(['auto', 'tridiagonal', 'eigen']).default('auto'),
    precision: z.enum(['float32', 'float64']).default('float32'),
    seriesTolerance: z.number().min(0).max(1e-3).optional(),
    memoryBudget: z.number().positive().optional(),
    voxelBatch: z.number().int().min(1).optional(),
    keepPredictions: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, issue) => {
    if (o.nFolds !== undefined && o.folds !== undefined) {
      issue.addIssue({ code: 'custom', path: ['nFolds'], message: 'give either nFolds (shorthand for k-fold) or folds, not both' });
    }
  });

/**
 * Options of the `ridge-cv` model as written in a config (every field optional).
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `alphas` | logspace(−1, 8, 10) | alpha grid; penalty λ = a², a = alpha (·s_max with normalpha) |
 * | `normalpha` | true | scale alpha by the largest singular value (Huth/LITcoder) |
 * | `alphaMode` | `per-voxel` | or `single` (argmax of the mean over voxels) |
 * | `tieBreak` | `larger-alpha` | or `first` (numpy argmax: LITcoder, Huth) |
 * | `folds` | `{ type: 'kfold', n: 5 }` | inner folds for choosing alpha |
 * | `score` | `pearson` | selection score; `litcoder`/`huth` for parity |
 * | `combine` | `bonferroni` | nested CV: fold p-values → k·min p; `fisher` for LITcoder parity |
 */
export type RidgeCVOptions = z.input<typeof ridgeCVOptionsSchema>;

/** The `ridge-cv` options with defaults filled in. */
export type ResolvedRidgeCVOptions = z.output<typeof ridgeCVOptionsSchema>;
