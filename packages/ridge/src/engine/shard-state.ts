import { matrix, voxelwiseError } from '@voxelwise/core';
import type { ShardArrays, ShardState, StageContext } from '@voxelwise/core';
import type { Fold } from '../cv/folds.js';
import { takeRows, transposed } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { planFitLayout } from './fit-layout.js';
import type { FitPreparation } from './fit-phases.js';
import { designOf } from './fit-phases.js';
import type { RidgeSettings } from './fit-types.js';
import type { PreparedFold } from './fold-factorisation.js';
import { basisOf } from './fold-projection.js';
import type { MemoryPlan } from './memory-plan.js';
import type { ProductPlan } from './product-plan.js';
import type { SpectralFactor } from './spectral-factor.js';
import type { CheckedFitInput } from './fit-input.js';

/** What {@link preparationState} records beside the arrays. */
interface PreparationMeta {
  readonly format: 1;
  readonly n: number;
  readonly p: number;
  readonly v: number;
  readonly precision: RidgeSettings['precision'];
  /** Training and validation rows of each fold, to check the shard rebuilt the same folds. */
  readonly foldSizes: ReadonlyArray<{ train: number; test: number }>;
  readonly mem: MemoryPlan;
  readonly full: { kind: SpectralFactor['kind']; sMax2: number; sMin2: number; hasE: boolean; hasKeep: boolean };
  readonly folds: ReadonlyArray<{ lambdas: number[]; sMax2: number; plan: ProductPlan; summary: PreparedFold['summary'] }>;
}

/**
 * The state every shard of a fit shares, from a preparation: the full fit's factorisation
 * (K's diagonals and the float64 basis) and each fold's penalties, product plan and projection
 * stack. Prepares every fold (the factorisations a single-process fit computes on its way).
 */
export async function preparationState(prep: FitPreparation, settings: RidgeSettings): Promise<ShardState> {
  const arrays: Record<string, ShardArrays[string]> = { 'full.d': prep.full.d, 'full.Q': prep.full.Q.data };
  if (prep.full.e) arrays['full.e'] = prep.full.e;
  if (prep.full.keep) arrays['full.keep'] = prep.full.keep;
  const folds: Array<PreparationMeta['folds'][number]> = [];
  for (let i = 0; i < prep.folds.length; i++) {
    const f = await prep.fold(i);
    arrays[`fold.${i}.H`] = f.H.data;
    folds.push({ lambdas: [...f.lambdas], sMax2: f.sMax2, plan: f.plan, summary: f.summary });
  }
  const meta: PreparationMeta = {
    format: 1,
    n: prep.n,
    p: prep.p,
    v: prep.v,
    precision: settings.precision,
    foldSizes: prep.folds.map((f) => ({ train: f.train.length, test: f.test.length })),
    mem: prep.layout.mem,
    full: {
      kind: prep.full.kind,
      sMax2: prep.full.sMax2,
      sMin2: prep.full.sMin2,
      hasE: prep.full.e !== null,
      hasKeep: prep.full.keep !== undefined,
    },
    folds,
  };
  return { arrays, meta: meta as unknown as Record<string, unknown> };
}

function array<T extends ShardArrays[string]>(
  state: ShardState,
  name: string,
  type: new (n: number) => T,
  length: number,
  where: string,
): T {
  const a = state.arrays[name];
  if (!(a instanceof type) || a.length !== length) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: `the shared state of the sharded fit lacks array "${name}" (${length} × ${type.name})`,
      got: a ? `${a.constructor.name}(${a.length})` : 'nothing',
      hint: 'Run "voxelwise shard plan" again: the plan directory is incomplete or from another version.',
    });
  }
  return a;
}

/**
 * A preparation rebuilt from {@link preparationState} for the same design, options and seed:
 * the folds are drawn again (seeded) and checked against the recorded sizes; factorisations and
 * projection stacks are read back, never recomputed, so every shard uses the same bits.
 */
export function restorePreparation(
  checked: Pick<CheckedFitInput, 'where' | 'X' | 'n' | 'p' | 'v' | 'folds'>,
  state: ShardState,
  settings: RidgeSettings,
  ctx: StageContext,
): FitPreparation {
  const { where, n, p, v, folds } = checked;
  const meta = state.meta as unknown as PreparationMeta;
  const sizes = (fs: readonly Fold[]) => JSON.stringify(fs.map((f) => ({ train: f.train.length, test: f.test.length })));
  if (
    meta.format !== 1 ||
    meta.n !== n ||
    meta.p !== p ||
    meta.v !== v ||
    meta.precision !== settings.precision ||
    sizes(folds) !== JSON.stringify(meta.foldSizes)
  ) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: `the shared state of the sharded fit was prepared for another problem (${meta.n} samples × ${meta.p} features, ${meta.v} voxels, ${meta.precision}), not this one (${n} × ${p}, ${v} voxels, ${settings.precision})`,
      hint: 'Plan, fit and merge the shards with the same plan directory and config.',
    });
  }
  const Xd: Dense = designOf(checked, settings);
  const layout = planFitLayout(Xd, { n, p, v }, folds, settings, ctx.emit, meta.mem);
  const full: SpectralFactor = {
    kind: meta.full.kind,
    d: array(state, 'full.d', Float64Array, p, where),
    e: meta.full.hasE ? array(state, 'full.e', Float64Array, p > 0 ? p - 1 : 0, where) : null,
    ...(meta.full.hasKeep ? { keep: array(state, 'full.keep', Uint8Array, p, where) } : {}),
    sMax2: meta.full.sMax2,
    sMin2: meta.full.sMin2,
    Q: matrix(p, p, array(state, 'full.Q', Float64Array, p * p, where)),
  };
  const foldPlans = meta.folds.map((f) => f.summary);
  const Hctor = settings.precision === 'float32' ? Float32Array : Float64Array;
  const fold = async (index: number): Promise<PreparedFold> => {
    const w = layout.work[index]!;
    const m = meta.folds[index]!;
    const width = m.plan.products * w.fold.test.length;
    const H = matrix(width, p, array<Float32Array | Float64Array>(state, `fold.${index}.H`, Hctor, width * p, where));
    const crossT = matrix(p, w.cross.length, transposed(takeRows(Xd, p, w.cross), w.cross.length, p));
    return { ...w, index, lambdas: m.lambdas, sMax2: m.sMax2, plan: m.plan, H, crossT, summary: m.summary };
  };
  return { where, n, p, v, folds, layout, Xd, full, fullBasis: basisOf(full, settings.precision), fold, foldPlans };
}
