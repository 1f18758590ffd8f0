import { median, timed, voxelwiseError } from '@voxelwise/core';
import type { FeatureBand, Matrix, Model, StageContext } from '@voxelwise/core';
import { selectBands, takeColumns } from './bands.js';
import { checkAbort } from './pipeline.js';

/** Per-voxel variance partition of the test R² and its summary for metrics.json. */
export interface PartitionResult {
  /** Band names, in config order. */
  spaces: string[];
  /**
   * Per-voxel columns for scores.arrow: `r2_fit_<A+B>` for every subset fit (the joint fit
   * included), `r2_unique_<A>` for each space, `r2_shared_<A+B…>` for each intersection.
   */
  columns: Record<string, Float64Array>;
  /** Mean and median over voxels of every column (means add up: the regions sum to the joint mean R²). */
  summary: Record<string, { mean: number; median: number }>;
}

/** Members (band indices) of a bitmask. */
function members(mask: number, n: number): number[] {
  return Array.from({ length: n }, (_, b) => b).filter((b) => (mask >> b) & 1);
}

function label(names: readonly string[], mask: number): string {
  return members(mask, names.length)
    .map((b) => names[b]!)
    .join('+');
}

function popcount(mask: number): number {
  let c = 0;
  for (let m = mask; m; m &= m - 1) c++;
  return c;
}

/**
 * Splits the test R² between 2 or 3 feature spaces by set algebra on the R² of fits to every
 * union of spaces (Lescroart, Stansbury & Gallant 2015, Front. Comput. Neurosci. 9:135; de Heer
 * et al. 2017, J. Neurosci. 37:6539): the variance explained by exactly the spaces in T (by them
 * all and by no other) is `Σ_{W ⊆ T} (−1)^{|W|+1} R²(W ∪ Tᶜ)` with R²(∅) = 0, e.g. for two
 * spaces `unique_A = R²(A∪B) − R²(B)` and `shared = R²(A) + R²(B) − R²(A∪B)`. Estimates from
 * finite data can be negative.
 *
 * @param r2 R² per voxel of the fit on each union of spaces, by bitmask (bit b = band b); every
 *   mask from 1 to 2ⁿ − 1 must be present.
 */
export function partitionR2(names: readonly string[], r2: ReadonlyMap<number, Float64Array>): PartitionResult {
  const n = names.length;
  const full = (1 << n) - 1;
  const v = r2.get(full)!.length;
  const g = (mask: number) => (mask === 0 ? undefined : r2.get(mask)!);
  const columns: Record<string, Float64Array> = {};
  for (let mask = 1; mask <= full; mask++) columns[`r2_fit_${label(names, mask)}`] = r2.get(mask)!;
  for (let t = 1; t <= full; t++) {
    const out = new Float64Array(v);
    const rest = full & ~t;
    // Every subset W of T, by the standard submask walk (W = T, …, 0).
    for (let w = t; ; w = (w - 1) & t) {
      const fit = g(w | rest);
      const sign = popcount(w) % 2 === 1 ? 1 : -1;
      if (fit) for (let j = 0; j < v; j++) out[j]! += sign * fit[j]!;
      if (w === 0) break;
    }
    columns[popcount(t) === 1 ? `r2_unique_${label(names, t)}` : `r2_shared_${label(names, t)}`] = out;
  }
  const summary: PartitionResult['summary'] = {};
  for (const [key, values] of Object.entries(columns)) {
    const finite = values.filter(Number.isFinite);
    let sum = 0;
    for (const x of finite) sum += x;
    summary[key] = { mean: finite.length ? sum / finite.length : Number.NaN, median: median(finite) };
  }
  return { spaces: [...names], columns, summary };
}

/** What {@link partitionFits} refits. */
export interface PartitionInput {
  /**
   * The model to refit on a subset of the spaces (band indices): the run's model, or one whose
   * options follow the subset (explicit band weights of a banded model).
   */
  modelFor(subset: readonly number[]): Model | Promise<Model>;
  /** The model's stage name, for events and messages. */
  modelName: string;
  /** The bands of the (band-major) design; one per feature space. */
  bands: readonly FeatureBand[];
  /** Pass each subset's bands on to the model (banded models). */
  banded: boolean;
  Xtrain: Matrix;
  Ytrain: Matrix;
  Xtest: Matrix;
  Ytest: Matrix;
  groups: Int32Array;
  /** Test R² of the joint fit (all spaces), already computed. */
  jointR2: Float64Array;
}

/**
 * Fits the model again on every proper union of the feature spaces (the same model and
 * settings, the columns of the design already built, so nothing is extracted twice), scores each
 * on the test data, and partitions the test R² ({@link partitionR2}).
 */
export async function partitionFits(input: PartitionInput, ctx: StageContext): Promise<PartitionResult> {
  const names = input.bands.map((b) => b.name);
  const n = names.length;
  const full = (1 << n) - 1;
  const r2 = new Map<number, Float64Array>([[full, input.jointR2]]);
  for (let mask = 1; mask < full; mask++) {
    checkAbort(ctx);
    const subset = members(mask, n);
    const sel = selectBands(input.bands, subset);
    const what = label(names, mask);
    const model = await input.modelFor(subset);
    const fitted = await timed(
      ctx.emit,
      `partition/${what}`,
      () =>
        model.fit(
          { X: takeColumns(input.Xtrain, sel.order), Y: input.Ytrain, groups: input.groups, ...(input.banded ? { bands: sel.bands } : {}) },
          ctx,
        ),
      { kind: 'model', name: input.modelName },
    );
    try {
      const evaluation = await fitted.evaluate(takeColumns(input.Xtest, sel.order), input.Ytest, ctx);
      const scores = evaluation.voxels.r2;
      if (!scores) {
        throw voxelwiseError({
          code: 'E_MODEL_UNSUPPORTED',
          where: 'trainer:partition',
          message: `model "${input.modelName}" reports no test R² (Evaluation.voxels.r2), which variance partitioning splits`,
          hint: 'Use a model that scores R² (ridge-cv, banded-ridge-cv), or remove "partition" from the config.',
        });
      }
      r2.set(mask, scores);
    } finally {
      await fitted.dispose?.();
    }
    ctx.emit({ type: 'stage:progress', stage: 'partition', done: mask, total: full - 1, unit: 'fits', message: what });
  }
  return partitionR2(names, r2);
}
