import type { BrainGeometry } from '@voxelwise/core';
import type { FeedSpec } from '@voxelwise/features-lm/browser';

/** Format tag of `web.json`; bumped when a reader of an older export would misread a newer one. */
export const WEB_FORMAT = 'voxelwise-web/1';

/** The `lm` feature settings the page reproduces (the run's options with defaults filled). */
export interface WebFeatureSettings {
  /** The run's `model` option (hub id, alias or local folder), for display. */
  readonly label: string;
  /** Folder of the bundled model, relative to the export (feature graph + tokenizer files). */
  readonly dir: string;
  /** The edited ONNX graph (every layer up to {@link layer} as a pooled output), relative to the export. */
  readonly onnx: string;
  /** Context tokenizer folder when the run cut contexts with GPT-2's tokenizer (`contextTokenizer: gpt2`). */
  readonly contextTokenizerDir?: string;
  readonly architecture: string;
  /** Layer index read (negative layers resolved). */
  readonly layer: number;
  /** Layers the bundled graph outputs (`layer + 1`). */
  readonly nOutputs: number;
  readonly dModel: number;
  readonly nHeads: number;
  readonly nPositions: number;
  readonly bosId: number;
  readonly padId: number;
  /** Inputs of the bundled graph, as the runner feeds them. */
  readonly inputs: readonly FeedSpec[];
  readonly lookback: number;
  readonly contextType: 'fullcontext' | 'nocontext' | 'halfcontext' | 'sliding';
  readonly pooling: 'lastToken' | 'mean';
  readonly center: boolean;
  /** Positions per `sliding` window (resolved), null for the LITcoder policies. */
  readonly slidingWindow: number | null;
}

/**
 * One extractor of the run, in design order (the design concatenates their columns in this
 * order): the `lm` extractor (settings in {@link WebManifest.features}) or `wordrate` with its
 * options. These are the extractors a page can compute from text alone.
 */
export type WebExtractor = { readonly name: 'lm' } | { readonly name: 'wordrate'; readonly options: Readonly<Record<string, unknown>> };

/** Extractors an export may hold (see {@link WebExtractor}). */
export const WEB_EXTRACTORS = ['lm', 'wordrate'] as const;

/** How the weights are stored. */
export interface WebWeights {
  /** `float16` (default, half the bytes) or `float32`. */
  readonly dtype: 'float16' | 'float32';
  /** `dense`: one features × voxels matrix; `low-rank`: `A` (features × rank) and `B` (rank × voxels). */
  readonly kind: 'dense' | 'low-rank';
  readonly nFeatures: number;
  readonly nVoxels: number;
  /** Rank of the truncated SVD (low-rank only). */
  readonly rank?: number;
  /** Share of `‖W‖²_F` the stored weights keep (1 for dense). */
  readonly keptVariance: number;
  /** Files, relative to the export, little-endian row-major. */
  readonly files: { readonly W: string } | { readonly A: string; readonly B: string };
}

/** `web.json`: everything the page needs besides the files it names. */
export interface WebManifest {
  readonly format: typeof WEB_FORMAT;
  readonly run: {
    readonly runId: string;
    readonly name: string;
    readonly subject?: string;
    /** The variant exported (`main` or a layer of a sweep). */
    readonly variant: string;
  };
  /** Repetition time, seconds. */
  readonly tr: number;
  /** The run's extractors in design order. */
  readonly extractors: readonly WebExtractor[];
  /** Settings of the run's `lm` extractor. */
  readonly features: WebFeatureSettings;
  readonly downsampler: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  /** FIR delays in TRs. */
  readonly delays: readonly number[];
  /** `per-story`: delay then z-score; `after-stacking`: z-score then delay (the run's preset). */
  readonly delayOrder: 'per-story' | 'after-stacking';
  /** z-score the text's delayed features over its own TRs, as the run z-scored each story. */
  readonly zscoreFeatures: boolean;
  /** Responses were z-scored per story in training, so predictions are in standard units. */
  readonly zscoreTargets: boolean;
  readonly weights: WebWeights;
  /** Test-set Pearson r per voxel (float32 file), to sort voxels and pick the best ones. */
  readonly scores: string;
  /** Voxel geometry of the assembly, when it recorded one. */
  readonly geometry?: BrainGeometry;
  /** Sizes in bytes of what the export holds, by part. */
  readonly sizes: Readonly<Record<string, number>>;
}
