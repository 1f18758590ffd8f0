import { voxelwiseError, zeros } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

/** Which feature and delay a delayed column holds. */
export interface DelayedColumn {
  feature: number;
  delay: number;
}

/**
 * FIR delays: for each delay d (order kept) a block where row t holds `stim[t − d]` (zeros
 * outside, or wrapped with `circpad`); blocks are concatenated delay-major, so column
 * `b·ndim + k` is feature k at `delays[b]` (Huth ridge_utils/utils.py make_delayed L65-86).
 */
export function makeDelayed(stim: Matrix, delays: readonly number[], circpad = false): Matrix<Float64Array> {
  if (delays.length === 0) {
    throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'downsample:fir', message: 'no FIR delays given', hint: 'Pass at least one delay, e.g. [1, 2, 3, 4].' });
  }
  const { rows: nt, cols: nd } = stim;
  const width = nd * delays.length;
  const out = zeros(nt, width, 'float64');
  delays.forEach((delay, b) => {
    if (!Number.isInteger(delay)) {
      throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'downsample:fir', message: `delay ${delay} is not an integer` });
    }
    for (let t = 0; t < nt; t++) {
      let src = t - delay;
      if (src < 0 || src >= nt) {
        if (!circpad) continue;
        src = ((src % nt) + nt) % nt;
      }
      const o = t * width + b * nd;
      for (let k = 0; k < nd; k++) out.data[o + k] = stim.data[src * nd + k]!;
    }
  });
  return out;
}

/** Column metadata of {@link makeDelayed}'s output. */
export function delayedColumns(nFeatures: number, delays: readonly number[]): DelayedColumn[] {
  const out: DelayedColumn[] = [];
  for (const delay of delays) for (let feature = 0; feature < nFeatures; feature++) out.push({ feature, delay });
  return out;
}
