import { readArrowTable } from '@voxelwise/io';

/** The columns of a run's `scores.arrow` the histograms need. */
export interface ScoreColumns {
  r: Float64Array;
  /** 1 where significant after correction; absent when the run computed no p-values. */
  significant?: Uint8Array;
}

/** Reads `r` and `significant` of a `scores.arrow` (one row per voxel, as the trainer writes it). */
export async function readScoreColumns(path: string): Promise<ScoreColumns> {
  const table = await readArrowTable(path, 'logger-tensorboard:tensorboard');
  const r = table.getChild('r');
  if (!r) throw new Error(`${path} has no column "r"`);
  const values = Float64Array.from(r.toArray() as ArrayLike<number>);
  const sig = table.getChild('significant');
  if (!sig) return { r: values };
  const significant = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) significant[i] = sig.get(i) === true ? 1 : 0;
  return { r: values, significant };
}
