/**
 * Subtracts each row's mean over columns, accumulated in float64: TransformerLens centres the
 * residual stream across `d_model` (`HookedTransformer.from_pretrained`, `center_writing_weights`),
 * so LITcoder's activations equal HF's minus each token's mean.
 */
export function centerRows(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += data[base + j]!;
    const mean = sum / cols;
    for (let j = 0; j < cols; j++) out[base + j] = data[base + j]! - mean;
  }
  return out;
}
