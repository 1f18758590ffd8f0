import type { EventSink } from '@voxelwise/core';
import type { Fold } from '../cv/folds.js';
import type { AlphaSelection } from './alpha-selection.js';
import type { RidgeSettings } from './fit-types.js';
import type { MemoryPlan } from './memory-plan.js';

/**
 * The grid-edge warning, if any: the single alpha sits at an edge of the grid, or more than 10 %
 * of the voxels inner CV predicts (best CV score above `predictableFloor`) chose an edge alpha.
 * Emitted as a `log` warning; returned for the report.
 */
export function gridEdgeWarning(
  selection: AlphaSelection,
  chosen: Float64Array,
  settings: RidgeSettings,
  predictableFloor: number,
  emit: EventSink,
): string | null {
  const { predictable, predictableAtLowEdge: low, predictableAtHighEdge: high } = selection;
  const edgeShare = predictable > 0 ? Math.max(low, high) / predictable : 0;
  const single = settings.alphaMode === 'single';
  if (!(settings.alphas.length > 1 && (single ? selection.atLowEdge + selection.atHighEdge > 0 : edgeShare > 0.1))) return null;
  const edge = single ? (selection.atHighEdge > 0 ? 'largest' : 'smallest') : high >= low ? 'largest' : 'smallest';
  const count = edge === 'largest' ? high : low;
  const message = single
    ? `the chosen alpha ${chosen[0]} is the ${edge} of the grid; the optimum may lie beyond it`
    : `${count} of the ${predictable} voxels that inner CV predicts (best CV score > ${predictableFloor.toPrecision(2)}; ${((100 * count) / predictable).toFixed(1)}%) chose the ${edge} alpha of the grid; their optimum may lie beyond it`;
  emit({
    type: 'log',
    level: 'warn',
    stage: settings.stage,
    message: `${message}. Extend the alpha grid.`,
    details: {
      atLowEdge: selection.atLowEdge,
      atHighEdge: selection.atHighEdge,
      predictable,
      predictableAtLowEdge: low,
      predictableAtHighEdge: high,
    },
  });
  return message;
}

/** Inputs of {@link fitInfo}. */
export interface FitInfoInputs {
  readonly settings: RidgeSettings;
  readonly sMax: number;
  readonly gridLambdas: readonly number[];
  readonly lambdas: Float64Array;
  readonly selection: AlphaSelection;
  /** Per fold, the sum over voxels of each alpha's validation score. */
  readonly foldSums: readonly Float64Array[];
  readonly v: number;
  readonly folds: readonly Fold[];
  readonly foldPlans: readonly unknown[];
  readonly solver: string;
  readonly backend: string;
  readonly edgeWarnings: readonly string[];
  readonly mem: MemoryPlan;
}

/** Last phase of a fit: the free-form details a run records beside the typed results. */
export function fitInfo(i: FitInfoInputs): Record<string, unknown> {
  const { settings, selection } = i;
  const alphas = settings.alphas;
  return {
    alphaGrid: [...alphas],
    convention: settings.normalpha ? 'huth: lambda = (alpha * s_max)^2 (normalpha)' : 'huth: lambda = alpha^2',
    normalpha: settings.normalpha,
    sMax: i.sMax,
    gridLambdas: i.gridLambdas,
    lambdas: i.lambdas,
    alphaMode: settings.alphaMode,
    chosenAlphaCounts: Object.fromEntries(alphas.map((a, k) => [String(a), Array.from(selection.index).filter((x) => x === k).length])),
    meanCvScoreByAlpha: Array.from(selection.meanOverVoxels),
    foldScores: i.foldSums.map((m) => Array.from(m, (s) => s / i.v)),
    folds: { spec: settings.folds, count: i.folds.length, sizes: i.folds.map((f) => ({ train: f.train.length, test: f.test.length })) },
    foldPlans: i.foldPlans,
    score: settings.score,
    solver: i.solver,
    backend: i.backend,
    edgeWarnings: [...i.edgeWarnings],
    alphaEdges: {
      low: selection.atLowEdge,
      high: selection.atHighEdge,
      predictable: selection.predictable,
      predictableLow: selection.predictableAtLowEdge,
      predictableHigh: selection.predictableAtHighEdge,
    },
    layout: {
      voxelBatch: i.mem.batch,
      foldGroups: i.mem.groups.length,
      weightsSpilled: i.mem.spillWeights,
      estimatedPeakBytes: i.mem.estimate,
    },
  };
}
