import { asDType, hstack, makeDelayed, voxelwiseError, zscore } from '@voxelwise/core';
import type { FeatureSet, Matrix } from '@voxelwise/core';
import { downsample } from '@voxelwise/downsample';
import type { BuiltinDownsampler } from '@voxelwise/downsample';
import { predictLinear, predictLowRank } from '@voxelwise/ridge/predict';
import type { WebManifest } from './manifest.js';

/** The weights as the page holds them in memory (float32). */
export type LoadedWeights =
  | { readonly kind: 'dense'; readonly W: Matrix<Float32Array> }
  | { readonly kind: 'low-rank'; readonly A: Matrix<Float32Array>; readonly B: Matrix<Float32Array> };

/** The part of {@link WebManifest} the design step reads (also built from a run by `voxelwise predict`). */
export type DesignSettings = Pick<WebManifest, 'downsampler' | 'delays' | 'delayOrder' | 'zscoreFeatures'>;

/**
 * The design matrix of one text, as the trainer builds a story's (trainer `DesignBuilder.blocks`):
 * each extractor's features — word-level ones resampled onto the TR grid by the run's
 * downsampler, TR-level ones as they are — side by side in the run's order, FIR delays, and
 * z-scoring over the text's own TRs (the run z-scored each story by its own statistics; LITcoder
 * encoding/trainer.py `AbstractTrainer.train`, Huth encoding/encoding.py). Nothing is trimmed:
 * every TR of the text is predicted.
 */
export function designMatrix(
  features: readonly FeatureSet[],
  wordTimes: Float64Array,
  trTimes: Float64Array,
  settings: DesignSettings,
): Matrix {
  const parts = features.map((fs, k) => {
    if (fs.level === 'tr') {
      if (fs.data.rows !== trTimes.length) {
        throw voxelwiseError({
          code: 'E_ALIGNMENT',
          where: 'web:design',
          message: `extractor ${k} gave ${fs.data.rows} TR rows for a grid of ${trTimes.length} TRs`,
          got: fs.data.rows,
          expected: trTimes.length,
        });
      }
      return fs.data;
    }
    if (fs.data.rows !== wordTimes.length) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where: 'web:design',
        message: `the text has ${wordTimes.length} word times but extractor ${k} gave ${fs.data.rows} feature rows`,
        got: fs.data.rows,
        expected: wordTimes.length,
      });
    }
    return downsample(
      { data: fs.data, dataTimes: wordTimes, trTimes },
      { name: settings.downsampler.name as BuiltinDownsampler, options: settings.downsampler.options as never },
    );
  });
  const onGrid = parts.length === 1 ? parts[0]! : hstack(parts, 'float64');
  if (settings.delayOrder === 'per-story') {
    const delayed = makeDelayed(onGrid, settings.delays);
    return settings.zscoreFeatures ? zscore(delayed) : asDType(delayed, 'float64');
  }
  const z = settings.zscoreFeatures ? zscore(onGrid) : asDType(onGrid, 'float64');
  return makeDelayed(z, settings.delays);
}

/** Predicted responses (TRs × voxels) of a design matrix with the run's weights (ridge `X·W`). */
export function predictResponses(X: Matrix, weights: LoadedWeights): Matrix<Float32Array> {
  return weights.kind === 'dense' ? predictLinear(X, weights.W) : predictLowRank(X, weights);
}

/** Column `voxel` of a TRs × voxels prediction. */
export function voxelSeries(P: Matrix, voxel: number): Float32Array {
  const out = new Float32Array(P.rows);
  for (let t = 0; t < P.rows; t++) out[t] = P.data[t * P.cols + voxel]!;
  return out;
}

/** Row `t` of a prediction (every voxel at one TR). */
export function frameAt(P: Matrix<Float32Array>, t: number): Float32Array {
  return P.data.subarray(t * P.cols, (t + 1) * P.cols);
}
