import { asDType, makeDelayed, voxelwiseError, zscore } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
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
 * word features resampled onto the TR grid by the run's downsampler, FIR delays, and z-scoring over
 * the text's own TRs (the run z-scored each story by its own statistics; LITcoder
 * encoding/trainer.py `AbstractTrainer.train`, Huth encoding/encoding.py). Nothing is trimmed:
 * every TR of the text is predicted.
 */
export function designMatrix(wordFeatures: Matrix, wordTimes: Float64Array, trTimes: Float64Array, settings: DesignSettings): Matrix {
  if (wordFeatures.rows !== wordTimes.length) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where: 'web:design',
      message: `the text has ${wordTimes.length} word times but ${wordFeatures.rows} feature rows`,
      got: wordFeatures.rows,
      expected: wordTimes.length,
    });
  }
  const onGrid = downsample(
    { data: wordFeatures, dataTimes: wordTimes, trTimes },
    { name: settings.downsampler.name as BuiltinDownsampler, options: settings.downsampler.options as never },
  );
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
