/**
 * The ridge penalty λ of alpha `a` in Huth's and LITcoder's convention (Huth lab
 * deep-fMRI-dataset `ridge_utils/ridge.py` `ridge`, LITcoder `ridge_torch`): weights
 * `V·diag(s/(s² + a²))·UᵀY`, so λ = a², with a = alpha·s_max under `normalpha`.
 */
export function huthLambda(alpha: number, sMax2: number, normalpha: boolean): number {
  return normalpha ? alpha * alpha * sMax2 : alpha * alpha;
}

/** Each voxel's grid alpha and its penalty λ on the full fit, from the chosen grid indices. */
export function chosenPenalties(
  index: Int32Array,
  grid: readonly number[],
  sMax2: number,
  normalpha: boolean,
): { alphas: Float64Array; lambdas: Float64Array } {
  const v = index.length;
  const alphas = new Float64Array(v);
  const lambdas = new Float64Array(v);
  for (let j = 0; j < v; j++) {
    alphas[j] = grid[index[j]!]!;
    lambdas[j] = huthLambda(alphas[j]!, sMax2, normalpha);
  }
  return { alphas, lambdas };
}
