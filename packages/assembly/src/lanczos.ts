import type { DownsampleInput, Matrix } from '@voxelwise/core';

/**
 * Lanczos resampling of word-level features onto a TR grid, for the simulator when no `lanczos`
 * downsampler stage is registered (the `@voxelwise/downsample` stage is the one to use in
 * pipelines). Huth `interpdata.lanczosinterp2D` / `lanczosfun`
 * (`HuthLab/deep-fMRI-dataset:encoding/ridge_utils/interpdata.py` L85-111, L154-164):
 * `B = cutoffMult / mean(diff(trTimes))`, `u = B·(t_i − s_j)`,
 * `L(u) = a·sin(πu)·sin(πu/a)/(π²u²)`, `L(0) = 1`, `L = 0` for `|u| > a`; `y = L·X` (not normalised).
 *
 * @example
 * const y = lanczosResample({ data, dataTimes: story.wordTimes, trTimes: story.trTimes });
 */
export function lanczosResample(input: DownsampleInput, window = 3, cutoffMult = 1): Matrix<Float64Array> {
  const { data, dataTimes, trTimes } = input;
  const m = trTimes.length;
  const d = data.cols;
  let span = 0;
  for (let i = 1; i < m; i++) span += trTimes[i]! - trTimes[i - 1]!;
  const cutoff = (1 / (span / (m - 1))) * cutoffMult;
  const out = new Float64Array(m * d);
  const pi2 = Math.PI ** 2;
  for (let i = 0; i < m; i++) {
    const ti = trTimes[i]!;
    for (let j = 0; j < dataTimes.length; j++) {
      const u = (ti - dataTimes[j]!) * cutoff;
      if (Math.abs(u) > window) continue;
      const w = u === 0 ? 1 : (window * Math.sin(Math.PI * u) * Math.sin((Math.PI * u) / window)) / (pi2 * u * u);
      if (w === 0) continue;
      for (let k = 0; k < d; k++) out[i * d + k]! += w * data.data[j * d + k]!;
    }
  }
  return { rows: m, cols: d, data: out };
}
