import { matrix } from '@voxelwise/core';
import type { StageContext } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { solveShifted } from '../linalg/tridiagonal-ops.js';
import { checkAborted } from './abort.js';
import type { BatchWorkspace } from './alpha-path.js';
import type { Basis } from './fold-projection.js';
import type { SpectralFactor } from './spectral-factor.js';
import type { WeightStore } from './weight-store.js';

/** Inputs of {@link refitWeights}. */
export interface RefitInputs {
  /** Holds QᵀXᵀY of the full fit on entry, the weights on return. */
  readonly weights: WeightStore;
  /** Grid index of each voxel's alpha. */
  readonly alphaIndex: Int32Array;
  /** λ of each grid alpha on the full fit. */
  readonly gridLambdas: readonly number[];
  readonly full: SpectralFactor;
  readonly fullBasis: Basis;
  /** Voxels per batch. */
  readonly batch: number;
  readonly ws: BatchWorkspace;
  readonly backend: LinalgBackend;
  readonly where: string;
}

/**
 * Fifth phase of a fit: the final weights W = Q·(K + λ_j I)⁻¹·Qᵀ·XᵀY on all training rows,
 * solved per alpha on the voxels that chose it (Huth `ridge`'s `V·diag(s/(s²+a²))·UᵀY`
 * grouped by unique alpha), batch by batch, in place in `weights`.
 */
export async function refitWeights(input: RefitInputs, ctx: StageContext): Promise<void> {
  const { weights, alphaIndex, full, fullBasis, batch, ws, backend } = input;
  const p = weights.rows;
  const v = weights.cols;
  for (let v0 = 0; v0 < v; v0 += batch) {
    const v1 = Math.min(v, v0 + batch);
    const b = v1 - v0;
    const Z = weights.read(v0, v1);
    const byAlpha = new Map<number, number[]>();
    for (let j = 0; j < b; j++) {
      const a = alphaIndex[v0 + j]!;
      let list = byAlpha.get(a);
      if (!list) byAlpha.set(a, (list = []));
      list.push(j);
    }
    const solved = ws.D.subarray(0, p * b);
    for (const [a, cols] of byAlpha) {
      const c = cols.length;
      const block = new Float64Array(p * c);
      for (let i = 0; i < p; i++) for (let t = 0; t < c; t++) block[i * c + t] = Z[i * b + cols[t]!]!;
      solveShifted(full.d, full.e, input.gridLambdas[a]!, block, p, c, full.keep);
      for (let i = 0; i < p; i++) for (let t = 0; t < c; t++) solved[i * b + cols[t]!] = block[i * c + t]!;
    }
    const W = (await backend.matmul(fullBasis.Q, matrix(p, b, solved), { dtype: ws.dtype, out: ws.Z.subarray(0, p * b) })).data;
    weights.write(v0, W);
    checkAborted(ctx, input.where);
  }
}
