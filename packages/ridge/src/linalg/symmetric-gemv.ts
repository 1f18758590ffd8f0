/**
 * `y[r0..n) = S·x[r0..n)` for the symmetric block `S = A[r0..n, r0..n]` of a row-major matrix
 * with row stride `lda`, reading only the lower triangle of S (LAPACK dsymv, lower). Each
 * element read is used twice (`y_i += a_ij·x_j`, `y_j += a_ij·x_i`), so the product streams half
 * the memory of a general matrix-vector product; four rows at a time share every load and store
 * of `x[j]` and `y[j]`. Entries of `y` outside [r0, n) are left untouched; `x` and `y` must not
 * overlap.
 */
export function symvLower(A: Float64Array, lda: number, r0: number, n: number, x: Float64Array, y: Float64Array): void {
  y.fill(0, r0, n);
  let i = r0;
  for (; i + 3 < n; i += 4) {
    const o0 = i * lda;
    const o1 = o0 + lda;
    const o2 = o1 + lda;
    const o3 = o2 + lda;
    const x0 = x[i]!;
    const x1 = x[i + 1]!;
    const x2 = x[i + 2]!;
    const x3 = x[i + 3]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = r0; c < i; c++) {
      const a0 = A[o0 + c]!;
      const a1 = A[o1 + c]!;
      const a2 = A[o2 + c]!;
      const a3 = A[o3 + c]!;
      const xc = x[c]!;
      s0 += a0 * xc;
      s1 += a1 * xc;
      s2 += a2 * xc;
      s3 += a3 * xc;
      y[c] = y[c]! + a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
    }
    // The 4 × 4 diagonal block, from its lower triangle.
    const b10 = A[o1 + i]!;
    const b20 = A[o2 + i]!;
    const b21 = A[o2 + i + 1]!;
    const b30 = A[o3 + i]!;
    const b31 = A[o3 + i + 1]!;
    const b32 = A[o3 + i + 2]!;
    y[i] = y[i]! + s0 + A[o0 + i]! * x0 + b10 * x1 + b20 * x2 + b30 * x3;
    y[i + 1] = y[i + 1]! + s1 + b10 * x0 + A[o1 + i + 1]! * x1 + b21 * x2 + b31 * x3;
    y[i + 2] = y[i + 2]! + s2 + b20 * x0 + b21 * x1 + A[o2 + i + 2]! * x2 + b32 * x3;
    y[i + 3] = y[i + 3]! + s3 + b30 * x0 + b31 * x1 + b32 * x2 + A[o3 + i + 3]! * x3;
  }
  for (; i < n; i++) {
    const o = i * lda;
    const xi = x[i]!;
    let s = 0;
    for (let c = r0; c < i; c++) {
      const a = A[o + c]!;
      s += a * x[c]!;
      y[c] = y[c]! + a * xi;
    }
    y[i] = y[i]! + s + A[o + i]! * xi;
  }
}
