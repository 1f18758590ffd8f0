import type { DType, Matrix } from '@voxelwise/core';
import type { Fold, FoldSpec } from '../cv/folds.js';
import type { AlphaMode, TieBreak } from './alpha-selection.js';
import type { ResponseReader } from './response-reader.js';
import type { ScoreKind } from './scores.js';
import type { Solver } from './spectral-factor.js';
import type { WeightStore } from './weight-store.js';

/** Settings of `fitRidge` (the `ridge-cv` options, resolved). */
export interface RidgeSettings {
  /** Alpha grid (Huth/LITcoder convention: penalty λ = a², a = alpha or alpha·s_max with normalpha). */
  alphas: readonly number[];
  /** Multiply alpha by the largest singular value of the (fold's) design matrix. */
  normalpha: boolean;
  /** Singular values at or below this are dropped (eigen solver only). */
  singcutoff: number;
  alphaMode: AlphaMode;
  /** How a tie of validation scores is broken. @default 'larger-alpha' */
  tieBreak?: TieBreak;
  /** Inner folds used to choose alpha. */
  folds: FoldSpec;
  /** How validation predictions are scored. */
  score: ScoreKind;
  solver: Solver;
  /** Neumann-series truncation tolerance for large alphas; 0 computes every alpha exactly. */
  seriesTolerance: number;
  /** Bytes the fit may use, inputs included. */
  memoryBudget: number;
  /** Force this many voxels per batch. */
  voxelBatch?: number;
  /**
   * Element type of the voxel-sized products and the weights. float32 (default) is what
   * LITcoder runs; float64 reproduces reference values to the last digits on small problems.
   */
  precision: DType;
  /** Event label. */
  stage: string;
}

/** Inputs of `fitRidge`. */
export interface RidgeInput {
  /** Samples × features. */
  X: Matrix;
  /** Samples × voxels, in memory or read in voxel blocks. */
  Y: Matrix | ResponseReader;
  /** Group label per sample (for `group` folds). */
  groups?: Int32Array;
}

/** What `fitRidge` returns. */
export interface RidgeFitResult {
  /** Features × voxels, in the chosen precision. */
  readonly weights: WeightStore;
  /** Chosen alpha per voxel (grid values). */
  readonly alphas: Float64Array;
  /** Index into the grid of each voxel's alpha. */
  readonly alphaIndex: Int32Array;
  /** The alpha grid searched. */
  readonly alphaGrid: Float64Array;
  /** Whether alphas were scaled by s_max (Huth/LITcoder `normalpha`). */
  readonly normalpha: boolean;
  /** Effective penalty λ = a² of each voxel in the final fit. */
  readonly lambdas: Float64Array;
  /** Mean validation score over folds, nAlphas × voxels. */
  readonly cvScores: Float64Array;
  /** Mean over voxels of {@link RidgeFitResult.cvScores} at each alpha. */
  readonly meanByAlpha: Float64Array;
  /** Largest singular value of the full design matrix. */
  readonly sMax: number;
  /** The folds used. */
  readonly folds: readonly Fold[];
  /** Reportable details (alpha grid, convention, fold scores, edge counts, layout). */
  readonly info: Record<string, unknown>;
}
