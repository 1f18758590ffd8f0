import type { Matrix } from '@voxelwise/core';
import type { TimeseriesColumns } from './arrow-io.js';

/** Indices of the `k` voxels with the highest r (NaN last), best first. */
export function bestVoxels(r: Float64Array, k: number): number[] {
  const idx = Array.from({ length: r.length }, (_, i) => i);
  idx.sort((a, b) => {
    const ra = Number.isNaN(r[a]!) ? -Infinity : r[a]!;
    const rb = Number.isNaN(r[b]!) ? -Infinity : r[b]!;
    return rb - ra || a - b;
  });
  return idx.slice(0, Math.min(k, r.length));
}

/** Measured and predicted test series of the `k` best voxels, for the report. */
export function topVoxelSeries(
  r: Float64Array,
  measured: Matrix,
  predicted: Matrix,
  rows: { story: string[]; tr: Int32Array },
  k: number,
): TimeseriesColumns {
  const voxels = bestVoxels(r, k);
  const n = measured.rows;
  const total = voxels.length * n;
  const out: TimeseriesColumns = {
    voxel: new Int32Array(total),
    story: new Array<string>(total),
    tr: new Int32Array(total),
    measured: new Float32Array(total),
    predicted: new Float32Array(total),
  };
  let o = 0;
  for (const v of voxels) {
    for (let i = 0; i < n; i++, o++) {
      out.voxel[o] = v;
      out.story[o] = rows.story[i]!;
      out.tr[o] = rows.tr[i]!;
      out.measured[o] = measured.data[i * measured.cols + v]!;
      out.predicted[o] = predicted.data[i * predicted.cols + v]!;
    }
  }
  return out;
}
