import { z } from '@voxelwise/core';
import { ridgeCVOptionsSchema } from '../options.js';

// Everything that ridge-cv means the same way here (folds, outer folds, score, ties, statistics,
// backend, memory). Its alpha convention (Huth's, with normalpha) is not shared.
const { alphas: _alphas, normalpha: _normalpha, ...shared } = ridgeCVOptionsSchema.shape;

/** Default alpha grid of `banded-ridge-cv`, logspace(−2, 10, 13), in himalaya's convention (λ = α). */
export const BANDED_ALPHAS: readonly number[] = Array.from({ length: 13 }, (_, i) => 10 ** (i - 2));

/** Zod schema of the `banded-ridge-cv` options. */
export const bandedRidgeCVOptionsSchema = z
  .object({
    ...shared,
    /** Ridge alphas in himalaya's (scikit-learn's) convention: penalty λ = α on the √γ-scaled bands. */
    alphas: z
      .array(z.number().positive().finite())
      .nonempty()
      .default(() => [...BANDED_ALPHAS] as [number, ...number[]]),
    /** Number of random band-weight candidates (himalaya `n_iter`); ignored when `gammas` is given. */
    nIter: z.number().int().min(1).max(10_000).default(20),
    /** Dirichlet concentration(s); a list is cycled through (himalaya `concentration`). */
    concentration: z
      .union([z.number().positive(), z.array(z.number().positive()).nonempty()])
      .default(() => [0.1, 1] as [number, ...number[]]),
    /** Explicit band-weight candidates, one row per candidate, one entry per band, on the simplex. */
    gammas: z
      .array(z.array(z.number().min(0).finite()).nonempty())
      .nonempty()
      .optional(),
  })
  .strict()
  .superRefine((o, issue) => {
    if (o.nFolds !== undefined && o.folds !== undefined) {
      issue.addIssue({ code: 'custom', path: ['nFolds'], message: 'give either nFolds (shorthand for k-fold) or folds, not both' });
    }
    o.gammas?.forEach((row, i) => {
      const sum = row.reduce((s, g) => s + g, 0);
      if (Math.abs(sum - 1) > 1e-6) {
        issue.addIssue({
          code: 'custom',
          path: ['gammas', i],
          message: `row ${i} sums to ${sum}; band weights must lie on the simplex (sum 1)`,
        });
      }
      if (row.length !== o.gammas![0]!.length) {
        issue.addIssue({
          code: 'custom',
          path: ['gammas', i],
          message: `row ${i} has ${row.length} entries but row 0 has ${o.gammas![0]!.length}; give one entry per band in every row`,
        });
      }
    });
  });

/**
 * Options of the `banded-ridge-cv` model as written in a config (every field optional). Besides
 * the `ridge-cv` options it shares (folds, score, tieBreak, alphaMode, statistics, backend,
 * precision, memory), it has:
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `alphas` | logspace(−2, 10, 13) | alpha grid, himalaya's convention: λ_b = α / γ_b |
 * | `nIter` | 20 | random band-weight candidates (the first is uniform) |
 * | `concentration` | [0.1, 1] | Dirichlet concentrations, cycled through |
 * | `gammas` | – | explicit candidates (rows on the simplex, one entry per band) |
 */
export type BandedRidgeCVOptions = z.input<typeof bandedRidgeCVOptionsSchema>;

/** The `banded-ridge-cv` options with defaults filled in. */
export type ResolvedBandedRidgeCVOptions = z.output<typeof bandedRidgeCVOptionsSchema>;
