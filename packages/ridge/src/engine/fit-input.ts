import { assertFinite, voxelwiseError } from '@voxelwise/core';
import type { Matrix, StageContext } from '@voxelwise/core';
import { createFolds } from '../cv/folds.js';
import type { Fold } from '../cv/folds.js';
import type { RidgeInput, RidgeSettings } from './fit-types.js';
import { matrixReader } from './response-reader.js';
import type { ResponseReader } from './response-reader.js';

/** A fit's inputs after checking: sizes, a response reader and the inner folds. */
export interface CheckedFitInput {
  /** `ridge:<stage>`, for errors. */
  readonly where: string;
  readonly X: Matrix;
  readonly reader: ResponseReader;
  /** Samples, features, voxels. */
  readonly n: number;
  readonly p: number;
  readonly v: number;
  readonly folds: readonly Fold[];
}

function isReader(y: Matrix | ResponseReader): y is ResponseReader {
  return typeof (y as ResponseReader).read === 'function';
}

/**
 * First phase of a fit: checks shapes, finiteness of X and the alpha grid, and builds the inner
 * folds (seeded from `ctx.rng('ridge:folds')`), each of which must keep a training row and two
 * validation rows. Responses are checked block by block later, as they are read.
 */
export function checkFitInput(input: RidgeInput, settings: RidgeSettings, ctx: StageContext): CheckedFitInput {
  const where = `ridge:${settings.stage.replace(/^model\//, '')}`;
  const { X } = input;
  const reader = isReader(input.Y) ? input.Y : matrixReader(input.Y);
  const n = X.rows;
  const p = X.cols;
  const v = reader.cols;
  if (reader.rows !== n) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: 'X and Y have different numbers of rows (samples)',
      got: reader.rows,
      expected: n,
      hint: 'Pass one response row per feature row.',
    });
  }
  if (p === 0 || v === 0 || n < 2) {
    throw voxelwiseError({ code: 'E_DATA_INVALID', where, message: `nothing to fit: ${n} samples, ${p} features, ${v} voxels` });
  }
  assertFinite(X, 'X (features)', where);
  for (const a of settings.alphas) {
    if (!(a > 0) || !Number.isFinite(a))
      throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where, message: `option "alphas" must hold positive finite numbers`, got: a });
  }
  const folds = createFolds(n, settings.folds, { groups: input.groups, rng: ctx.rng('ridge:folds'), emit: ctx.emit, where });
  folds.forEach((f, i) => {
    if (f.train.length < 1 || f.test.length < 2) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where,
        message: `fold ${i} has ${f.train.length} training and ${f.test.length} validation rows; need at least 1 and 2`,
        hint: 'Use fewer folds or more samples.',
      });
    }
  });
  return { where, X, reader, n, p, v, folds };
}
