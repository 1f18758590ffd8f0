/**
 * Synthetic LeBel-like data for the ridge benchmark: i.i.d. normal features, a planted rank-r
 * signal Y = gain_j·(X·U·V)_j + noise_j, seeded. Every response column is generated from its own
 * stream (seeded by voxel index), so any voxel block can be produced alone and the data do not
 * depend on how a reader is asked for them.
 */
import { createRng, hashString, matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import type { LinalgBackend, ResponseReader } from '@voxelwise/ridge';

/** Sizes and seed of a synthetic problem. */
export interface SyntheticSpec {
  n: number;
  nt: number;
  p: number;
  v: number;
  rank: number;
  seed: number;
}

/** The fixed parts: features (train + test rows), X·U, the voxel loadings and gains. */
export interface Synthetic {
  spec: SyntheticSpec;
  /** (n + nt) × p. */
  X: Float32Array;
  /** (n + nt) × rank. */
  XU: Float32Array;
  /** rank × v. */
  V: Float32Array;
  /** Signal gain per voxel (0 for the 10 % pure-noise voxels). */
  gain: Float32Array;
}

/** Builds the features and the planted signal's factors. */
export async function synthetic(spec: SyntheticSpec, backend: LinalgBackend): Promise<Synthetic> {
  const { n, nt, p, v, rank, seed } = spec;
  const total = n + nt;
  const rx = createRng(hashString('X', seed));
  const X = new Float32Array(total * p);
  for (let i = 0; i < X.length; i++) X[i] = rx.normal();
  const ru = createRng(hashString('U', seed));
  const U = new Float32Array(p * rank);
  for (let i = 0; i < U.length; i++) U[i] = ru.normal() / Math.sqrt(p);
  const XU = (await backend.matmul(matrix(total, p, X), matrix(p, rank, U), { dtype: 'float32' })).data as Float32Array;
  const rv = createRng(hashString('V', seed));
  const V = new Float32Array(rank * v);
  for (let i = 0; i < V.length; i++) V[i] = rv.normal() / Math.sqrt(rank);
  const rg = createRng(hashString('gain', seed));
  const gain = new Float32Array(v);
  for (let j = 0; j < v; j++) gain[j] = rg.next() < 0.1 ? 0 : 0.2 + rg.next();
  return { spec, X, XU, V, gain };
}

/** Response columns [v0, v1) for all n + nt rows (row-major (n + nt) × b). */
export async function responseBlock(s: Synthetic, v0: number, v1: number, backend: LinalgBackend): Promise<Float32Array> {
  const { n, nt, rank, v, seed } = s.spec;
  const total = n + nt;
  const b = v1 - v0;
  const Vb = new Float32Array(rank * b);
  for (let k = 0; k < rank; k++) Vb.set(s.V.subarray(k * v + v0, k * v + v1), k * b);
  const Y = (await backend.matmul(matrix(total, rank, s.XU), matrix(rank, b, Vb), { dtype: 'float32' })).data as Float32Array;
  for (let j = 0; j < b; j++) {
    const g = s.gain[v0 + j]!;
    const rng = createRng(hashString(`noise:${v0 + j}`, seed));
    for (let i = 0; i < total; i++) Y[i * b + j] = g * Y[i * b + j]! + rng.normal();
  }
  return Y;
}

/** A reader of the training rows that generates each requested block (and times itself). */
export function syntheticReader(s: Synthetic, backend: LinalgBackend): ResponseReader & { seconds: number } {
  const { n, nt } = s.spec;
  const reader = {
    rows: n,
    cols: s.spec.v,
    seconds: 0,
    async read(v0: number, v1: number): Promise<Matrix<Float32Array>> {
      const t = performance.now();
      const all = await responseBlock(s, v0, v1, backend);
      const b = v1 - v0;
      reader.seconds += (performance.now() - t) / 1000;
      void nt;
      return matrix(n, b, all.slice(0, n * b));
    },
  };
  return reader;
}

/** The test rows of every voxel (nt × v), generated block by block. */
export async function testResponses(s: Synthetic, backend: LinalgBackend, block = 4096): Promise<Matrix<Float32Array>> {
  const { n, nt, v } = s.spec;
  const out = new Float32Array(nt * v);
  for (let v0 = 0; v0 < v; v0 += block) {
    const v1 = Math.min(v, v0 + block);
    const b = v1 - v0;
    const all = await responseBlock(s, v0, v1, backend);
    for (let i = 0; i < nt; i++) out.set(all.subarray((n + i) * b, (n + i + 1) * b), i * v + v0);
  }
  return matrix(nt, v, out);
}
