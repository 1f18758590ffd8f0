import type { Assembly, Story } from './assembly.js';
import type { EventSink, VoxelwiseEvent } from './events.js';
import type { Matrix } from './matrix.js';
import type { AnyStageRef } from './stage-ref.js';
import type { Rng } from './rng.js';
import type { StageKind } from './stage-kinds.js';

/** What every stage receives when created and when it runs. */
export interface StageContext {
  /** The run's seed. Use {@link StageContext.rng} rather than seeding by hand. */
  readonly seed: number;
  /** A generator for a named sub-stream, stable for the run's seed. */
  rng(stream: string): Rng;
  /** Emits a typed event; libraries never print. */
  readonly emit: EventSink;
  /** Aborts long work (SIGINT). */
  readonly signal?: AbortSignal;
  /** Directory for caches shared between runs. */
  readonly cacheDir: string;
  /** Memory budget in bytes that stages size their batches from. */
  readonly memoryBudget: number;
  /**
   * Recompute instead of reading caches (set by `voxelwise train --force`); stages that cache
   * results (e.g. language-model activations) still write fresh entries.
   */
  readonly refresh?: boolean;
  /**
   * Creates another registered stage by name, so a stage can compose others (e.g. a simulator
   * that resamples with the `lanczos` downsampler) without importing their packages. Present
   * when the context comes from a registry-backed run ({@link createContext} with a registry).
   */
  readonly stages?: StageFactory;
}

/** Creates stages by name from the run's registry. */
export interface StageFactory {
  create<K extends StageKind>(kind: K, ref: AnyStageRef): Promise<StageInstances[K]>;
}

/**
 * Whether features are per word (resampled at the word times), per time stamp of their own
 * (level `time`, e.g. speech-model windows: resampled at {@link FeatureSet.times}, as LITcoder
 * passes `data_times`), or already on the TR grid.
 */
export type FeatureLevel = 'word' | 'time' | 'tr';

/** Features of one story. */
export interface FeatureSet {
  readonly level: FeatureLevel;
  /** Rows are words (level `word`), time stamps (level `time`) or TRs of the story's grid (level `tr`). */
  readonly data: Matrix;
  /** Time of each row, seconds, increasing: required for level `time`, ignored otherwise. */
  readonly times?: Float64Array;
  /** Name of each column, for reports. */
  readonly columns?: readonly string[];
}

/**
 * What an extractor can say about itself before extracting anything, so a run can check its
 * config (e.g. every layer of a sweep) before the first fit.
 */
export interface ExtractorDescription {
  /**
   * Number of layers the extractor's `layer` option can select: valid values are `0 … layers − 1`
   * and, counting from the end, `−layers … −1` (−1 = the last). Absent when it has no layers.
   */
  readonly layers?: number;
}

/** Turns a story into features. */
export interface FeatureExtractor {
  /** A label for events and column names, e.g. `lm:gpt2:9`. */
  readonly id: string;
  readonly level: FeatureLevel;
  extract(story: Story, ctx: StageContext): Promise<FeatureSet>;
  /**
   * Describes the extractor (e.g. a language model's depth) without extracting. Optional; the
   * trainer calls it before fitting to check a layer sweep against the model.
   */
  describe?(ctx: StageContext): Promise<ExtractorDescription>;
  /** Releases models, sessions and file handles. */
  dispose?(): Promise<void>;
}

/** Inputs of a resampler. */
export interface DownsampleInput {
  /** Words × features. */
  readonly data: Matrix;
  /** Time of each row of `data`, seconds. */
  readonly dataTimes: Float64Array;
  /** Target TR times, seconds (increasing). */
  readonly trTimes: Float64Array;
  /** LITcoder `split_indices`: TR label per word, or np.split boundaries. */
  readonly splitIndices?: ArrayLike<number>;
}

/** Resamples word-level features onto a TR grid. */
export interface Downsampler {
  readonly id: string;
  /** Returns TRs × output columns (most methods keep the columns; gabor and rectify expand them). */
  downsample(input: DownsampleInput): Matrix;
}

/** Training data for a model. */
export interface FitData {
  /** Samples × features. */
  readonly X: Matrix;
  /** Samples × targets (voxels). */
  readonly Y: Matrix;
  /** Group label of each row (e.g. story index), for folds that must respect groups. */
  readonly groups?: Int32Array;
  /**
   * Feature spaces ("bands") of `X`, in column order: contiguous, non-overlapping, covering every
   * column. Banded models (`banded-ridge-cv`) regularise each band separately; other models
   * ignore it and see one concatenated space.
   */
  readonly bands?: readonly FeatureBand[];
}

/** One feature space of a {@link FitData}: the columns `start … end − 1` of `X`. */
export interface FeatureBand {
  /** Name for reports, e.g. the extractor's id (`lm:gpt2:9`, `wordrate`). */
  readonly name: string;
  /** First column of the band. */
  readonly start: number;
  /** One past the last column of the band. */
  readonly end: number;
}

/**
 * Per-voxel regularisation of a banded model. Band b of a voxel is fitted with penalty
 * λ_b‖w_b‖²; himalaya (`himalaya/ridge/_random_search.py::solve_group_ridge_random_search`)
 * writes λ_b = α / γ_b with band weights γ on the simplex.
 */
export interface BandReport {
  /** Band names, in column order (bands = `names.length`). */
  readonly names: readonly string[];
  /** Chosen band weights γ, voxels × bands, row-major by voxel; each row sums to 1. */
  readonly gammas: Float64Array;
  /** λ_b = α / γ_b (himalaya's convention), voxels × bands, row-major by voxel. */
  readonly lambdas: Float64Array;
  /** The Huth-style equivalent a_b = √λ_b (weights V diag(s/(s² + a²)) Uᵀ y), voxels × bands. */
  readonly huthAlphas: Float64Array;
}

/** Per-voxel results of scoring a fitted model on held-out data. */
export interface VoxelScores {
  /** Pearson r of prediction and response. */
  readonly r: Float64Array;
  /** p-value of r, if computed. */
  readonly p?: Float64Array;
  /** FDR-corrected p-values. */
  readonly pCorrected?: Float64Array;
  /** 1 where the voxel is significant after correction. */
  readonly significant?: Uint8Array;
  /** Coefficient of determination. */
  readonly r2?: Float64Array;
}

/** Held-out evaluation: LITcoder-named metrics plus per-voxel arrays. */
export interface Evaluation {
  readonly metrics: Readonly<Record<string, number | string | boolean | null>>;
  readonly voxels: VoxelScores;
  /** Predictions (samples × voxels) when requested. */
  readonly predictions?: Matrix;
}

/** A model fitted to data; learned state lives only here. */
export interface FittedModel {
  /** Predicts targets for new samples. */
  predict(X: Matrix): Promise<Matrix>;
  /** Per-voxel Pearson r of predictions against `Y`. */
  score(X: Matrix, Y: Matrix): Promise<Float64Array>;
  /** Scores with statistics (p-values, FDR) and headline metrics. */
  evaluate(X: Matrix, Y: Matrix, ctx: StageContext): Promise<Evaluation>;
  /** Features × voxels weights, when the model is linear. */
  readonly weights?: Matrix;
  /** Chosen regularisation per voxel (in the model's own convention). */
  readonly alphas?: Float64Array;
  /** How {@link FittedModel.alphas} translate into penalties, per voxel. */
  readonly penalty?: PenaltyReport;
  /** The model-selection scores the fit computed on training data only (never the test set). */
  readonly validation?: ValidationReport;
  /** Per-band regularisation, when the model was fitted with {@link FitData.bands}. */
  readonly bands?: BandReport;
  /**
   * One prediction per band (band b uses only its own columns and weights), in band order; the
   * parts sum to {@link FittedModel.predict}. Offered by banded models, for split scores.
   */
  predictSplit?(X: Matrix): Promise<Matrix[]>;
  /** Free-form extras for the run's records (fold layout, timings); never read by the trainer. */
  readonly info: Readonly<Record<string, unknown>>;
  /** Releases scratch files, sessions or workers; the trainer calls it once it is done with the model. */
  dispose?(): void | Promise<void>;
  /**
   * Streams the weights as blocks of voxel columns, for problems whose full features × voxels
   * matrix should not be held in memory at once. Blocks come in voxel order and cover every
   * voxel once. Models that offer it may leave {@link FittedModel.weights} to small problems.
   */
  weightBatches?(maxVoxels?: number): AsyncIterable<WeightBatch>;
}

/**
 * How a model's alphas map to the penalty on the weights. With `huth` (Huth lab `ridge.py`,
 * LITcoder): weights = V diag(s/(s² + a²)) Uᵀ Y with a = alpha (× s_max under `normalpha`), so the
 * quadratic penalty is λ = a². With `sklearn` (scikit-learn `Ridge`, himalaya): λ = alpha.
 */
export interface PenaltyReport {
  /** The convention of {@link FittedModel.alphas}. */
  readonly convention: AlphaConvention;
  /** One line describing the convention, written beside the scores. */
  readonly description: string;
  /** λ per voxel in ‖Xw − y‖² + λ‖w‖². */
  readonly lambdas: Float64Array;
}

/** Named alpha conventions (see {@link PenaltyReport}). */
export type AlphaConvention = 'huth' | 'sklearn';

/** Cross-validation scores of model selection, on training data only. */
export interface ValidationReport {
  /** The alphas searched, in the model's convention. */
  readonly alphaGrid: Float64Array;
  /** Mean validation score per alpha and voxel (alphas × voxels, row-major), when kept. */
  readonly scores?: Float64Array;
  /** Mean over voxels of the validation score at each alpha. */
  readonly meanByAlpha?: Float64Array;
  /** Per voxel, the validation score at its chosen alpha. */
  readonly best?: Float64Array;
}

/** A block of voxel columns of a features × voxels weight matrix. */
export interface WeightBatch {
  /** Index of the first voxel (column) of the block. */
  readonly voxelStart: number;
  /** Features × block voxels. */
  readonly weights: Matrix;
}

/** One outer fold of a nested cross-validation. */
export interface CrossValidationFold {
  /** Fold number, from 0. */
  readonly fold: number;
  /** Rows of the {@link FitData} held out in this fold (ascending). */
  readonly testRows: Int32Array;
  /** Number of rows the fold's model was fitted on. */
  readonly nTrain: number;
  /** Held-out scores of the model fitted on the other rows. */
  readonly evaluation: Evaluation;
  /** Regularisation chosen by the inner cross-validation, per voxel. */
  readonly alphas?: Float64Array;
}

/**
 * Result of a full nested cross-validation (outer folds × inner folds), as LITcoder's
 * NestedCVModel without a test set: per-fold evaluations plus combined per-voxel statistics.
 */
export interface CrossValidationResult {
  /** One entry per outer fold, in fold order. */
  readonly folds: readonly CrossValidationFold[];
  /** Headline metrics with LITcoder's full-CV key names (`median_score`, `n_majority_significant`, ...). */
  readonly metrics: Readonly<Record<string, number | string | boolean | null>>;
  /**
   * Combined per-voxel arrays: `r` is the mean of the fold correlations, `p` a combination of
   * the fold p-values valid for dependent folds (the model documents which), `pCorrected` its FDR
   * correction, `significant` its mask.
   */
  readonly voxels: VoxelScores;
  /** 1 where the voxel is significant in a majority (⌊k/2⌋ + 1) of the k outer folds. */
  readonly majoritySignificant: Uint8Array;
  /** A per-voxel summary of the fold alphas (the model documents which), in its own convention. */
  readonly alphas?: Float64Array;
  /** Anything else worth reporting (fold layout, alpha grid, convention). */
  readonly info: Readonly<Record<string, unknown>>;
}

/** A model configuration (scikit-learn style: plain options in, fitted object out). */
export interface Model {
  readonly id: string;
  fit(data: FitData, ctx: StageContext): Promise<FittedModel>;
  /**
   * Full nested cross-validation on `data` (no separate test set): outer folds over rows or
   * groups, model selection inside each outer training set, held-out scores per fold.
   */
  crossValidate?(data: FitData, ctx: StageContext): Promise<CrossValidationResult>;
}

/** Receives events and renders or ships them. */
export interface Logger {
  readonly id: string;
  handle(event: VoxelwiseEvent): void;
  /** Flushes and closes; must never throw for network failures. */
  close?(): Promise<void>;
}

/** Opens an assembly. */
export interface AssemblySource {
  readonly id: string;
  load(ctx: StageContext): Promise<Assembly>;
}

/** What a stage's `create` returns, by kind. */
export interface StageInstances {
  'assembly-source': AssemblySource;
  extractor: FeatureExtractor;
  downsampler: Downsampler;
  model: Model;
  logger: Logger;
}

/**
 * A plugin module a run loaded (a config's `plugins` entry): what was asked for, the file it
 * resolved to, and that file's SHA-256, so a run records which code ran with it. The CLI produces
 * these; the trainer writes them into `config.json` and `run.json`.
 */
export interface PluginRecord {
  /** The specifier as written (a package name or a path). */
  readonly specifier: string;
  /** The absolute path of the module file that was imported. */
  readonly resolvedPath: string;
  /** SHA-256 (hex) of that file's bytes. */
  readonly sha256: string;
}
