import type { Matrix } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { extremeEigenvalues } from '../linalg/tridiagonal-ops.js';

/** How the Gram matrix is factored. */
export type Solver = 'auto' | 'tridiagonal' | 'eigen';

/**
 * A Gram matrix `G = XᵀX = Q·K·Qᵀ` with K tridiagonal (Householder) or diagonal (eigen). Either
 * way `(G + λI)⁻¹ = Q·(K + λI)⁻¹·Qᵀ`, so one factorisation serves every alpha; the ridge
 * weights `(XᵀX + a²I)⁻¹XᵀY` equal Huth's `V·diag(s/(s²+a²))·UᵀY` (Huth lab deep-fMRI-dataset `encoding/ridge_utils/ridge.py` `ridge`).
 */
export interface SpectralFactor {
  readonly kind: 'tridiagonal' | 'eigen';
  /** Diagonal of K. */
  readonly d: Float64Array;
  /** Off-diagonal of K; null for the eigenbasis. */
  readonly e: Float64Array | null;
  /** Components kept by the singular-value cutoff (eigenbasis only). */
  readonly keep?: Uint8Array;
  /** Largest eigenvalue of G, s_max² (s_max = largest singular value of X). */
  readonly sMax2: number;
  /** Smallest eigenvalue of G. */
  readonly sMin2: number;
  /** The basis (p × p, float64). */
  readonly Q: Matrix<Float64Array>;
}

/** Factors `G` with the backend; `eigen` honours `singcutoff` (singular values ≤ it are dropped, as LITcoder's svd_wrapper). */
export async function factorGram(
  G: Matrix<Float64Array>,
  backend: LinalgBackend,
  kind: 'tridiagonal' | 'eigen',
  singcutoff: number,
): Promise<SpectralFactor> {
  if (kind === 'tridiagonal') {
    const { d, e, Q } = await backend.tridiagonalize(G);
    const { min, max } = extremeEigenvalues(d, e);
    return { kind, d, e, Q, sMax2: Math.max(0, max), sMin2: min };
  }
  const { values, vectors } = await backend.eigh(G);
  const p = values.length;
  const d = new Float64Array(p);
  const keep = new Uint8Array(p);
  let sMax2 = 0;
  let sMin2 = Infinity;
  for (let i = 0; i < p; i++) {
    d[i] = Math.max(0, values[i]!);
    keep[i] = Math.sqrt(d[i]!) > singcutoff ? 1 : 0;
    sMax2 = Math.max(sMax2, d[i]!);
    sMin2 = Math.min(sMin2, values[i]!);
  }
  return { kind, d, e: null, keep, Q: vectors, sMax2, sMin2: p > 0 ? sMin2 : 0 };
}

/**
 * Whether penalties as small as `lambdaMin` need the eigenbasis: when λ is below ~1e-10·s_max²,
 * rounding in G's null space is no longer negligible and only dropping components (singcutoff)
 * keeps the solution well defined.
 */
export function needsEigenbasis(lambdaMin: number, sMax2: number): boolean {
  return lambdaMin < 1e-10 * sMax2;
}
