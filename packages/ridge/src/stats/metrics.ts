import type { Evaluation } from '@voxelwise/core';
import { quantileSorted } from './block-resampling.js';

/** Headline numbers of a set of scores: LITcoder's `*_score` keys (std with ddof 0, as np.std). */
export function scoreSummary(r: ArrayLike<number>, prefix = ''): Record<string, number> {
  const n = r.length;
  if (n === 0) return {};
  const sorted = Float64Array.from(r).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  const key = (name: string) => (prefix ? `${name}_${prefix}_score` : `${name}_score`);
  const out: Record<string, number> = {
    [key('median')]: quantileSorted(sorted, 0.5),
    [key('mean')]: mean,
    [key('min')]: sorted[0]!,
    [key('max')]: sorted[n - 1]!,
  };
  if (!prefix) out['std_score'] = Math.sqrt(ss / n);
  return out;
}

/** The scores of the voxels flagged in `mask`. */
export function masked(r: Float64Array, mask: Uint8Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < r.length; i++) if (mask[i]) out.push(r[i]!);
  return Float64Array.from(out);
}

/**
 * LITcoder's metrics dictionary (`encoding/models/nested_cv.py` `NestedCVModel._create_metrics_dict`) from an
 * evaluation: the scalar keys plus the per-voxel lists `best_alphas`, `correlations`,
 * `p_values`, `corrected_p_values`, `significant_mask`, in plain arrays ready for JSON.
 *
 * @example
 * const fitted = await model.fit({ X, Y }, ctx);
 * const metrics = litcoderMetrics(await fitted.evaluate(Xt, Yt, ctx), fitted.alphas);
 * metrics.median_score; metrics.best_alphas;
 */
export function litcoderMetrics(
  evaluation: Evaluation,
  alphas?: Float64Array,
): Record<string, number | boolean[] | number[] | string | boolean | null> {
  const { voxels } = evaluation;
  const out: Record<string, number | boolean[] | number[] | string | boolean | null> = { ...evaluation.metrics };
  if (alphas) out['best_alphas'] = Array.from(alphas);
  out['correlations'] = Array.from(voxels.r);
  if (voxels.p) out['p_values'] = Array.from(voxels.p);
  if (voxels.pCorrected) out['corrected_p_values'] = Array.from(voxels.pCorrected);
  if (voxels.significant) out['significant_mask'] = Array.from(voxels.significant, (s) => s === 1);
  return out;
}
