/** What the planner needs to know about one fold. */
interface FoldShape {
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

/** Share of the budget the planner fills. */
export const PLAN_SHARE = 0.85;

/** Bytes of the process that are not the fit's (runtime, onnxruntime, code). */
export const BASELINE_BYTES = 320 * 1024 ** 2;

/**
 * Sizes the voxel batch and groups folds so the estimated peak stays under the budget. The
 * estimate counts the design matrix and its transposes, the float64 factorisation workspace,
 * the per-fold projection stacks (alphas × validation rows × features, float32, plus one being
 * built), the weights (unless spilled) and, per voxel of a batch, every block the batch loop
 * holds. The response matrix a caller passes in memory is the caller's and is not counted.
 * Plans to {@link PLAN_SHARE} of the budget. Preference: all folds in one pass with weights in memory; else one pass with weights spilled
 * to disk; else folds in groups (each group re-reads the responses).
 */
export function planMemory(m: MemoryInputs): MemoryPlan {
  const { n, p, v, nAlphas, folds } = m;
  // Plan to 85% of the budget: allocator slack and garbage not yet collected need the rest.
  const budget = m.budget * PLAN_SHARE;
  const f32 = 4;
  const f64 = 8;
  const design = n * p * f32 * 2; // X as float32 plus its transpose (or the folds' transposed row sets)
  const factorWork = p * p * f64 * 6 + p * p * f32 * 2; // G, block, Q, scratch (float64) + Q, Qᵀ (float32)
  const weights = p * v * f32;
  const scores = nAlphas * v * f64;
  const stackOf = (f: FoldShape) => nAlphas * f.nTest * p * f32;
  const building = Math.max(0, ...folds.map((f) => stackOf(f) + p * f.nTest * f64));
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
  const layout = (spill: boolean, groupLimit: number): { groups: number[][]; batch: number; estimate: number } => {
    const groups: number[][] = [];
    let cur: number[] = [];
    let used = 0;
    for (let i = 0; i < folds.length; i++) {
      const need = stackOf(folds[i]!);
      if (cur.length > 0 && used + need > groupLimit) {
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
      heaviest = Math.max(
        heaviest,
        g.reduce((s, i) => s + stackOf(folds[i]!), 0),
      );
      per = Math.max(per, perVoxel(g));
    }
    const held = fixed + (spill ? 0 : weights) + heaviest + building;
    const fit = Math.floor((budget - held) / per);
    const batch = Math.max(1, Math.min(v, m.voxelBatch ?? Math.min(Math.max(fit, 1), 8192)));
    return { groups, batch, estimate: held + batch * per };
  };
  const minBatch = Math.min(v, 256);
  const ok = (l: { batch: number; estimate: number }) => l.estimate <= budget && (m.voxelBatch !== undefined || l.batch >= minBatch);
  const candidates: Array<[boolean, ReturnType<typeof layout>]> = [
    [false, layout(false, Infinity)],
    [true, layout(true, Infinity)],
  ];
  for (const [spill, l] of candidates) if (ok(l)) return { ...l, spillWeights: spill, overBudget: false };
  // Folds in groups, with weights spilled: size the groups to half of what is left.
  const avail = budget - fixed - building;
  const grouped = layout(true, Math.max(1, avail / 2));
  return { ...grouped, spillWeights: true, overBudget: grouped.estimate > m.budget };
}
