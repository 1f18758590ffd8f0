/** What the planner needs to know about one fold. */
export interface FoldShape {
  /** Rows scored (validation). */
  readonly nTest: number;
  /** Rows whose cross-products are formed per batch (held-out or training rows, whichever fewer). */
  readonly nCross: number;
}

/** Inputs of {@link planMemory}. */
export interface MemoryInputs {
  n: number;
  p: number;
  v: number;
  nAlphas: number;
  folds: readonly FoldShape[];
  /** Bytes the fit may use, including its inputs. */
  budget: number;
  /** Force this many voxels per batch. */
  voxelBatch?: number;
}

/** How a fit is laid out in memory. */
export interface MemoryPlan {
  /** Voxels per batch. */
  readonly batch: number;
  /** Folds processed together (one pass over the responses per group). */
  readonly groups: readonly (readonly number[])[];
  /** Weights go to a scratch file instead of memory. */
  readonly spillWeights: boolean;
  /** The planner's estimate of the peak, bytes. */
  readonly estimate: number;
  /** True when even the smallest layout exceeds the budget. */
  readonly overBudget: boolean;
}

/** Bytes of the process that are not the fit's (runtime, onnxruntime, code). */
export const BASELINE_BYTES = 320 * 1024 ** 2;

/**
 * Sizes the voxel batch and groups folds so the estimated peak stays under the budget. The
 * estimate counts the design matrix and its transposes, the per-fold projection stacks
 * (products × validation rows × features, float32), the float64 factorisation workspace, the
 * weights (unless spilled) and, per voxel of a batch, every block the batch loop holds.
 */
export function planMemory(m: MemoryInputs): MemoryPlan {
  const { n, p, v, nAlphas, folds, budget } = m;
  const f32 = 4;
  const f64 = 8;
  const design = n * p * f32 * 2; // X as float32 plus its transpose (or the folds' transposed row sets)
  const factorWork = p * p * f64 * 6 + p * p * f32 * 2; // G, block, Q, scratch (float64) + Q, Qᵀ (float32)
  const weights = p * v * f32;
  const scores = nAlphas * v * f64;
  const stackOf = (f: FoldShape) => nAlphas * f.nTest * p * f32 * 2; // H plus the transient stack it is built from
  const crossOf = (f: FoldShape) => f.nCross * p * f32;
  const perVoxel = (group: readonly number[]) => {
    let maxOut = 0;
    let maxTest = 0;
    for (const i of group) {
      maxOut = Math.max(maxOut, nAlphas * folds[i]!.nTest);
      maxTest = Math.max(maxTest, folds[i]!.nTest);
    }
    return f32 * (n + p * (group.length + 4) + maxOut + maxTest) + f64 * (nAlphas + 16);
  };
  const fixed = BASELINE_BYTES + design + factorWork + scores;
  // Largest groups of consecutive folds whose stacks fit in half of what is left.
  const plan = (spill: boolean): { groups: number[][]; batch: number; estimate: number } => {
    const avail = budget - fixed - (spill ? 0 : weights);
    const groups: number[][] = [];
    let cur: number[] = [];
    let used = 0;
    for (let i = 0; i < folds.length; i++) {
      const need = stackOf(folds[i]!) + crossOf(folds[i]!);
      if (cur.length > 0 && used + need > avail / 2) {
        groups.push(cur);
        cur = [];
        used = 0;
      }
      cur.push(i);
      used += need;
    }
    if (cur.length > 0) groups.push(cur);
    let heaviest = 0;
    let per = 0;
    for (const g of groups) {
      heaviest = Math.max(heaviest, g.reduce((s, i) => s + stackOf(folds[i]!) + crossOf(folds[i]!), 0));
      per = Math.max(per, perVoxel(g));
    }
    const room = avail - heaviest;
    let batch = m.voxelBatch ?? Math.floor(room / per);
    batch = Math.max(1, Math.min(v, m.voxelBatch ?? Math.min(batch, 8192)));
    return { groups, batch, estimate: fixed + (spill ? 0 : weights) + heaviest + batch * per };
  };
  let spill = false;
  let best = plan(false);
  if (best.estimate > budget || (m.voxelBatch === undefined && best.batch < Math.min(v, 256))) {
    const spilled = plan(true);
    if (spilled.estimate < best.estimate) {
      spill = true;
      best = spilled;
    }
  }
  return { batch: best.batch, groups: best.groups, spillWeights: spill, estimate: best.estimate, overBudget: best.estimate > budget };
}
