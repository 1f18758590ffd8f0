/** How a preset orders FIR delays relative to trimming, z-scoring and stacking. */
export type DelayOrder = 'per-story' | 'after-stacking';

/** A named pipeline order with its z-scoring conventions. */
export interface Preset {
  /** One line for help texts and reports. */
  readonly description: string;
  /**
   * `per-story`: each story's TR features are delayed, then trimmed and z-scored, then stacked;
   * `after-stacking`: each story is trimmed and z-scored, the stories are stacked, then delayed.
   */
  readonly delays: DelayOrder;
  /** z-score each story's features (ddof 0; constant columns become 0). */
  readonly zscoreFeatures: boolean;
  /** z-score each story's responses. */
  readonly zscoreTargets: boolean;
  /** The model when the config names none. */
  readonly model: { readonly name: string; readonly options?: Readonly<Record<string, unknown>> };
}

/** np.logspace(1, 3, 10): Huth encoding.py's alpha grid. */
const HUTH_ALPHAS = Array.from({ length: 10 }, (_, i) => 10 ** (1 + (2 * i) / 9));

/**
 * The pipeline orders voxelwise reproduces: LITcoder's `AbstractTrainer.train`
 * (GT-LIT-Lab/litcoder_core, encoding/trainer.py) and Huth's `encoding.py`
 * (HuthLab/deep-fMRI-dataset, encoding/encoding.py with encoding/encoding_utils.py).
 * Both resample with the config's downsampler (default Lanczos, window 3).
 */
export const PRESETS = {
  // LITcoder AbstractTrainer.train: make_delayed per story → [a:b] → zs → vstack (encoding/trainer.py L223-262).
  litcoder: {
    description: 'LITcoder AbstractTrainer: per story FIR delays → trim → z-score, then stack',
    delays: 'per-story',
    zscoreFeatures: true,
    zscoreTargets: true,
    // NestedCVModel defaults (logspace(−1, 8, 10), normalpha, per-voxel, correlation); contiguous inner folds.
    model: { name: 'ridge-cv' },
  },
  // Huth encoding.py: zscore(feat[5+trim:-trim]) per story → vstack → make_delayed; responses as stored (encoding_utils.py L29).
  huth: {
    description: 'Huth encoding.py: per story trim → z-score, stack, then FIR delays across the stack',
    delays: 'after-stacking',
    zscoreFeatures: true,
    zscoreTargets: false,
    // bootstrap_ridge as encoding.py calls it: logspace(1, 3, 10), 50 boots × 125 chunks of 40 TRs,
    // no normalpha, use_corr False (signed √R² with Huth's variance term) (encoding.py L20-91).
    model: {
      name: 'ridge-cv',
      options: {
        alphas: HUTH_ALPHAS,
        normalpha: false,
        folds: { type: 'bootstrap', nboots: 50, chunkLength: 40, nchunks: 125 },
        score: 'huth',
      },
    },
  },
} as const satisfies Record<string, Preset>;

/** Name of a preset. */
export type PresetName = keyof typeof PRESETS;
