import { matrix } from '@voxelwise/core';
import type { EventSink, Matrix } from '@voxelwise/core';
import type { Fold } from '../cv/folds.js';
import { takeRows, transposed } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import type { RidgeSettings } from './fit-types.js';
import { planMemory } from './memory-plan.js';
import type { MemoryPlan } from './memory-plan.js';

/** One fold's cross-product rows: the held-out rows (subtracted from the full XᵀY) or the training rows, whichever fewer. */
export interface FoldWork {
  readonly fold: Fold;
  /** Rows whose cross-products are formed per batch. */
  readonly cross: Int32Array;
  /** True when `cross` are the held-out rows, so the fold's XᵀY = full XᵀY − cross-products. */
  readonly subtract: boolean;
}

/** How a fit is laid out: fold work, memory plan, and whether the folds partition the rows. */
export interface FitLayout {
  readonly work: readonly FoldWork[];
  readonly mem: MemoryPlan;
  /**
   * The folds' held-out rows are disjoint and processed in one group (k-fold): then the full
   * Gram matrix and XᵀY are sums of the folds' held-out blocks plus `rest`, at no extra cost.
   */
  readonly partition: boolean;
  /** Rows in no fold's held-out set (when `partition`). */
  readonly rest: Int32Array;
  /** Xᵀ (p × n) when the full XᵀY is formed directly (not `partition`). */
  readonly XT: Matrix | null;
  /** Xᵀ of the `rest` rows (when `partition` and any are left). */
  readonly restT: Matrix | null;
}

function complementOf(n: number, rows: Int32Array): Int32Array {
  const mask = new Uint8Array(n);
  for (const i of rows) mask[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!mask[i]) out.push(i);
  return Int32Array.from(out);
}

/**
 * Second phase of a fit: chooses each fold's cross-product rows, plans memory (voxel batch,
 * fold groups, spilling; a warning event when even the smallest layout exceeds the budget) and
 * detects folds that partition the rows. With `planned`, that memory plan is used as it is.
 */
export function planFitLayout(
  Xd: Dense,
  size: { n: number; p: number; v: number },
  folds: readonly Fold[],
  settings: RidgeSettings,
  emit: EventSink,
  planned?: MemoryPlan,
): FitLayout {
  const { n, p, v } = size;
  const work: FoldWork[] = folds.map((fold) => {
    const held = complementOf(n, fold.train);
    const subtract = held.length <= fold.train.length;
    return { fold, cross: subtract ? held : fold.train, subtract };
  });
  // A shard takes the plan of the whole fit (`planned`): the same fold groups, so XᵀY is summed the same way.
  const mem =
    planned ??
    planMemory({
      n,
      p,
      v,
      nAlphas: settings.alphas.length,
      folds: work.map((w) => ({ nTest: w.fold.test.length, nCross: w.cross.length })),
      budget: settings.memoryBudget,
      voxelBatch: settings.voxelBatch,
    });
  if (mem.overBudget && !planned) {
    emit({
      type: 'log',
      level: 'warn',
      stage: settings.stage,
      message: `memory budget ${(settings.memoryBudget / 1024 ** 3).toFixed(2)} GiB is below the smallest layout (about ${(mem.estimate / 1024 ** 3).toFixed(2)} GiB); running with the smallest layout`,
      details: { estimate: mem.estimate },
    });
  }
  // One pass over the responses can sum XᵀY from the folds' held-out cross-products when they
  // partition the rows (k-fold): then the full XᵀY costs nothing extra.
  const seen = new Uint8Array(n);
  let partition = mem.groups.length === 1 && work.every((w) => w.subtract);
  if (partition) {
    for (const w of work) {
      for (const i of w.cross) {
        if (seen[i]) partition = false;
        seen[i] = 1;
      }
    }
  }
  const rest = partition ? Int32Array.from(Array.from(seen.keys()).filter((i) => !seen[i])) : new Int32Array(0);
  const XT = partition ? null : matrix(p, n, transposed(Xd, n, p));
  const restT = partition && rest.length > 0 ? matrix(p, rest.length, transposed(takeRows(Xd, p, rest), rest.length, p)) : null;
  return { work, mem, partition, rest, XT, restT };
}
