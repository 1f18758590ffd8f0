import type { Evaluation, FittedModel, PenaltyReport } from '@voxelwise/core';
import type { ScoreColumns, TimeseriesColumns } from './arrow-io.js';
import type { SpacesRecord } from './run-json.js';

/** One fitted configuration: the whole run, or one layer of a sweep. */
export interface VariantResult {
  /** `main`, or `layer-<n>` in a sweep. */
  label: string;
  /** The layer of a sweep. */
  layer?: number;
  /** Headline metrics with LITcoder's key names, plus design sizes. */
  metrics: Record<string, unknown>;
  /** Held-out evaluation (the combined one in nested-CV mode). */
  evaluation: Evaluation;
  /** Per-voxel columns as written to `scores.arrow`. */
  scores: ScoreColumns;
  /** Measured vs predicted test series of the best voxels. */
  timeseries?: TimeseriesColumns;
  /** Design column names (feature@delay). */
  columns: string[];
  /**
   * The fitted model (test-stories mode, outside sweeps), for predictions and weights; call its
   * `dispose()`, when it has one, once done. Sweeps release each layer's model after writing it.
   */
  fitted?: FittedModel;
  /** How the model's alphas translate into penalties (its convention, λ per voxel), when it says. */
  penalty?: PenaltyReport;
  /** The alphas the model searched (from its validation report), in its own convention. */
  alphaGrid?: Float64Array;
  /**
   * When the model was fitted on a band-major design (banded model or partition): where each of
   * its weight rows belongs in makeDelayed's order, which {@link VariantResult.columns} follows.
   */
  bandOrder?: Int32Array;
  /** Where its band, partition and noise-ceiling columns are, for run.json. */
  spaces?: SpacesRecord;
  /** The model's free-form extras for run.json (fold layout, timings). */
  info: Record<string, unknown>;
}
