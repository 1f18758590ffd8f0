// Null-band helpers for the demo test; the trainer's tests keep the same bounds in
// packages/trainer/test/null-band.ts (test files cannot import across packages).

/**
 * Half-width of the band holding a noise voxel's test r, `z` standard deviations wide: under the
 * null, r between a prediction and AR(1) noise with coefficient φ over n TRs has variance at most
 * (1/n)·(1 + φ)/(1 − φ) (Bartlett 1935).
 */
export function nullBand(n: number, ar1: number, z = 4): number {
  return z * Math.sqrt((1 + ar1) / ((1 - ar1) * n));
}

/** The AR(1) coefficient a simulated assembly recorded in its provenance. */
export function simulatedAr1(metadata: Record<string, unknown>): number {
  const ar1 = (metadata['provenance'] as { options?: { ar1?: unknown } } | undefined)?.options?.ar1;
  if (typeof ar1 !== 'number') throw new Error('the assembly does not record the simulator options');
  return ar1;
}

/**
 * The share of (planted, noise) pairs in which the planted voxel scores higher (Mann–Whitney
 * U / mn), and its standard deviation under the null of no difference (0.5 ± sd).
 */
export function rankSeparation(signal: readonly number[], noise: readonly number[]): { auc: number; nullSd: number } {
  let above = 0;
  for (const a of signal) for (const b of noise) above += a > b ? 1 : a === b ? 0.5 : 0;
  const m = signal.length;
  const n = noise.length;
  return { auc: above / (m * n), nullSd: Math.sqrt((m + n + 1) / (12 * m * n)) };
}
