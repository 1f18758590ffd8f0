/** A reference pipeline whose every documented difference `compat` switches to at once. */
export type CompatName = 'litcoder' | 'huth';

/** The config keys a `compat` value sets (only where the config leaves them out). */
export interface CompatSettings {
  /** One line for help texts and the README. */
  readonly description: string;
  /** Pipeline order and z-scoring. */
  readonly preset: 'litcoder' | 'huth';
  /** Row trims (a named set of `TRIMMING_PRESETS`). */
  readonly trimming: 'litcoder-lebel' | 'story';
  /** The resampler a config that names none gets. */
  readonly downsampler: { readonly name: string; readonly options?: Readonly<Record<string, unknown>> };
  /** The per-voxel test score reported beside r (left out: r only). */
  readonly metric?: 'signed-sqrt-r2';
  /**
   * `ridge-cv` options (only applied when the model is `ridge-cv`): validation score, p-value
   * sidedness, alpha tie-breaking.
   */
  readonly ridge: Readonly<Record<string, unknown>>;
}

/**
 * What `compat: litcoder | huth` sets. Each entry follows the reference code:
 * - LITcoder (GT-LIT-Lab/litcoder_core): inner-CV score of `encoding/models/ridge_utils.py`
 *   (ddof-1 z-scores with a 1e-8 epsilon → `score: litcoder`); two-sided p-values
 *   (`scipy.stats.pearsonr` default); nested-CV fold p-values combined by Fisher's method
 *   (`encoding/models/nested_cv.py`, `scipy.stats.combine_pvalues`); numpy `argmax` picks the first of tied alphas; the LeBel
 *   `trimming_config` of its tutorials; `Downsampler()` with an empty config falls back to `rect`.
 * - Huth (HuthLab/deep-fMRI-dataset, encoding/encoding.py with ridge_utils/ridge.py
 *   `bootstrap_ridge`): the `huth` preset (bootstrap folds, logspace(1, 3, 10), no normalpha,
 *   `score: huth`); numpy `argmax` ties; `feat[5+trim:-trim]` per story (each story's own trim in
 *   a LeBel assembly); Lanczos window 3; the saved "corrs" are signed √R² (`use_corr` False).
 *
 * Not switched: unseeded randomness. LITcoder's shuffled folds and Huth's bootstrap chunks use
 * unseeded global RNGs; voxelwise keeps them seeded by `seed`, so runs repeat exactly.
 */
export const COMPAT: Readonly<Record<CompatName, CompatSettings>> = {
  litcoder: {
    description: 'LITcoder: its inner-CV score, two-sided p, Fisher-combined folds, first-maximum ties, LeBel trimming, rect resampling',
    preset: 'litcoder',
    trimming: 'litcoder-lebel',
    downsampler: { name: 'rect' },
    ridge: { score: 'litcoder', alternative: 'two-sided', tieBreak: 'first', combine: 'fisher' },
  },
  huth: {
    description: "Huth encoding.py: the huth preset, first-maximum ties, each story's trim, Lanczos, signed √R² reported",
    preset: 'huth',
    trimming: 'story',
    downsampler: { name: 'lanczos', options: { window: 3, cutoffMult: 1 } },
    metric: 'signed-sqrt-r2',
    ridge: { score: 'huth', tieBreak: 'first' },
  },
};
