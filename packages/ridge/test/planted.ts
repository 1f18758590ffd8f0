import { createRng, matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

/** A planted ridge problem: Y = X·W·signal + noise, float32, with train and test rows. */
export interface Planted {
  X: Matrix<Float32Array>;
  Y: Matrix<Float32Array>;
  Xt: Matrix<Float32Array>;
  Yt: Matrix<Float32Array>;
  /** 1 for voxels with signal. */
  planted: Uint8Array;
}

/** Builds a seeded planted problem; the first `signalVoxels` voxels carry signal. */
export function planted(
  n: number,
  nt: number,
  p: number,
  v: number,
  options: { seed?: number; signalVoxels?: number; noise?: number; ar?: number } = {},
): Planted {
  const rng = createRng(options.seed ?? 1);
  const total = n + nt;
  const X = new Float32Array(total * p);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const W = new Float64Array(p * v);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal() / Math.sqrt(p);
  const sv = options.signalVoxels ?? Math.ceil(v / 2);
  const Y = new Float32Array(total * v);
  const ar = options.ar ?? 0;
  const prev = new Float64Array(v);
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < v; j++) {
      let s = 0;
      if (j < sv) for (let k = 0; k < p; k++) s += X[i * p + k]! * W[k * v + j]!;
      const e = ar * prev[j]! + (options.noise ?? 1) * rng.normal();
      prev[j] = e;
      Y[i * v + j] = s + e;
    }
  }
  const planted = new Uint8Array(v);
  for (let j = 0; j < sv; j++) planted[j] = 1;
  return {
    X: matrix(n, p, X.slice(0, n * p)),
    Y: matrix(n, v, Y.slice(0, n * v)),
    Xt: matrix(nt, p, X.slice(n * p)),
    Yt: matrix(nt, v, Y.slice(n * v)),
    planted,
  };
}
