import { matrix } from '@voxelwise/core';
import type { DType, EventSink, Matrix } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { addInto, takeRows, transposed } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import type { FitLayout, FoldWork } from './fit-layout.js';
import type { RidgeSettings } from './fit-types.js';
import { basisOf, projectionStack } from './fold-projection.js';
import { huthLambda } from './penalty.js';
import { planProducts } from './product-plan.js';
import type { ProductPlan } from './product-plan.js';
import { factorGram, needsEigenbasis } from './spectral-factor.js';
import type { SpectralFactor } from './spectral-factor.js';

/** Factors a Gram matrix; `label` names it in events. */
export type GramFactoriser = (G: Matrix<Float64Array>, label: string) => Promise<SpectralFactor>;

/**
 * The factorisation the settings ask for: `eigen`, `tridiagonal`, or under `auto` tridiagonal
 * unless the smallest alpha's penalty is so small that only the eigenbasis (with `singcutoff`)
 * keeps the solve well defined (an info event says so).
 */
export function gramFactoriser(backend: LinalgBackend, settings: RidgeSettings, emit: EventSink): GramFactoriser {
  const minAlpha = Math.min(...settings.alphas);
  return async (G, label) => {
    if (settings.solver === 'eigen') return factorGram(G, backend, 'eigen', settings.singcutoff);
    const f = await factorGram(G, backend, 'tridiagonal', settings.singcutoff);
    if (settings.solver === 'auto' && needsEigenbasis(huthLambda(minAlpha, f.sMax2, settings.normalpha), f.sMax2)) {
      emit({
        type: 'log',
        level: 'info',
        stage: settings.stage,
        message: `${label}: the smallest alpha is below 1e-5·s_max; using the eigenbasis so singcutoff applies (slower)`,
      });
      return factorGram(G, backend, 'eigen', settings.singcutoff);
    }
    return f;
  };
}

/** The full Gram matrix, and the folds' cross-row Grams computed on the way (when the folds partition the rows). */
export interface FullGram {
  readonly G: Matrix<Float64Array>;
  /** Gram of fold i's cross rows, by fold index; {@link prepareFold} takes them out as it uses them. */
  readonly crossGrams: Map<number, Matrix<Float64Array>>;
}

/**
 * XᵀX of all rows in float64. With partitioning folds it is the sum of the held-out blocks'
 * Grams (plus the rest), which the folds need anyway: no separate pass over X.
 */
export async function fullGram(Xd: Dense, n: number, p: number, layout: FitLayout, backend: LinalgBackend): Promise<FullGram> {
  const crossGrams = new Map<number, Matrix<Float64Array>>();
  if (!layout.partition) return { G: await backend.gram(matrix(n, p, Xd)), crossGrams };
  const sum = new Float64Array(p * p);
  for (const [i, w] of layout.work.entries()) {
    const Gc = await backend.gram(matrix(w.cross.length, p, takeRows(Xd, p, w.cross)));
    crossGrams.set(i, Gc);
    addInto(sum, Gc.data);
  }
  if (layout.rest.length > 0) addInto(sum, (await backend.gram(matrix(layout.rest.length, p, takeRows(Xd, p, layout.rest)))).data);
  return { G: matrix(p, p, sum), crossGrams };
}

/** A fold ready for the voxel batches: penalties, product plan, projection stack and Xᵀ of its cross rows. */
export interface PreparedFold extends FoldWork {
  readonly index: number;
  /** λ of each grid alpha on this fold's training rows. */
  readonly lambdas: number[];
  readonly sMax2: number;
  readonly plan: ProductPlan;
  /** The projection stack (see `projectionStack`). */
  readonly H: Matrix;
  /** Xᵀ of the cross rows (p × cross rows). */
  readonly crossT: Matrix;
  /** Reportable summary of the fold's factorisation. */
  readonly summary: { products: number; exact: number; seriesTerms: number; sMax: number };
}

/**
 * Factors fold `index`'s training Gram (the full Gram minus its held-out rows' Gram, or its
 * training rows' own) and builds the projection stack that turns its training cross-products
 * into the validation predictions of every alpha.
 */
export async function prepareFold(
  index: number,
  layout: FitLayout,
  Xd: Dense,
  p: number,
  full: FullGram,
  factor: GramFactoriser,
  settings: RidgeSettings,
  backend: LinalgBackend,
  dt: DType,
): Promise<PreparedFold> {
  const w = layout.work[index]!;
  const crossRows = takeRows(Xd, p, w.cross);
  const Gc = full.crossGrams.get(index) ?? (await backend.gram(matrix(w.cross.length, p, crossRows)));
  full.crossGrams.delete(index);
  let Gf = Gc;
  if (w.subtract) {
    const G = full.G.data;
    const Gt = new Float64Array(G.length);
    for (let k = 0; k < G.length; k++) Gt[k] = G[k]! - Gc.data[k]!;
    Gf = matrix(p, p, Gt);
  }
  const f = await factor(Gf, `fold ${index}`);
  const lambdas = settings.alphas.map((a) => huthLambda(a, f.sMax2, settings.normalpha));
  const plan = planProducts(lambdas, f.sMax2, settings.seriesTolerance);
  const H = await projectionStack(Xd, p, w.fold.test, f, basisOf(f, dt), lambdas, plan, backend, dt);
  const crossT = matrix(p, w.cross.length, transposed(crossRows, w.cross.length, p));
  const summary = { products: plan.products, exact: plan.exact.length, seriesTerms: plan.terms, sMax: Math.sqrt(f.sMax2) };
  return { ...w, index, lambdas, sMax2: f.sMax2, plan, H, crossT, summary };
}
