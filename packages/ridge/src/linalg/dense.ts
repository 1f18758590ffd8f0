/**
 * Plain TypeScript dense kernels on row-major typed arrays. They are the reference
 * implementation (pure backend) and the fallback for products too small to be worth a call
 * into onnxruntime. Accumulation is in float64 whatever the storage type.
 */

/** A row-major typed array of either precision. */
export type Dense = Float32Array | Float64Array;

/**
 * `out = A·B` with A m×k and B k×n (row-major). i-k-j order so the inner loop streams rows of
 * B and `out`; accumulates in a float64 row buffer.
 */
export function gemm(A: Dense, B: Dense, m: number, k: number, n: number, out: Dense): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    const ao = i * k;
    for (let t = 0; t < k; t++) {
      const a = A[ao + t]!;
      if (a === 0) continue;
      const bo = t * n;
      for (let j = 0; j < n; j++) acc[j]! += a * B[bo + j]!;
    }
    const oo = i * n;
    for (let j = 0; j < n; j++) out[oo + j] = acc[j]!;
  }
}

/**
 * Transposes a row-major m×n array into `out` (n×m). Blocked for cache locality (16 × 16 tiles),
 * writing each tile's rows of `out` contiguously.
 */
export function transposeInto(A: Dense, m: number, n: number, out: Dense): void {
  const bs = 16;
  for (let i0 = 0; i0 < m; i0 += bs) {
    const i1 = Math.min(m, i0 + bs);
    for (let j0 = 0; j0 < n; j0 += bs) {
      const j1 = Math.min(n, j0 + bs);
      for (let j = j0; j < j1; j++) {
        const o = j * m;
        for (let i = i0; i < i1; i++) out[o + i] = A[i * n + j]!;
      }
    }
  }
}

/** A new transposed copy, same element type. */
export function transposed<T extends Dense>(A: T, m: number, n: number): T {
  const out = new (A.constructor as new (len: number) => T)(m * n);
  transposeInto(A, m, n, out);
  return out;
}

/** Copies rows `rows` (indices) of a row-major matrix with `cols` columns into a new array. */
export function gatherRows<T extends Dense>(A: T, cols: number, rows: ArrayLike<number>): T {
  const out = new (A.constructor as new (len: number) => T)(rows.length * cols);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r]! * cols;
    out.set(A.subarray(src, src + cols), r * cols);
  }
  return out;
}

/** True when `rows` is a run of consecutive indices (so a row range can be viewed, not copied). */
function isContiguous(rows: ArrayLike<number>): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]! !== rows[0]! + i) return false;
  return true;
}

/** Rows `rows` of A: a view when they are consecutive, else a copy. */
export function takeRows<T extends Dense>(A: T, cols: number, rows: ArrayLike<number>): T {
  if (rows.length === 0) return A.subarray(0, 0) as T;
  if (isContiguous(rows)) return A.subarray(rows[0]! * cols, (rows[0]! + rows.length) * cols) as T;
  return gatherRows(A, cols, rows);
}

/** Converts to float64 (copy) unless already float64. */
export function toFloat64(A: Dense): Float64Array {
  return A instanceof Float64Array ? A : Float64Array.from(A);
}

/** Converts to float32 (copy) unless already float32. */
export function toFloat32(A: Dense): Float32Array {
  return A instanceof Float32Array ? A : Float32Array.from(A);
}

/** `acc += x`, element by element. */
export function addInto(acc: Dense, x: Dense): void {
  for (let k = 0; k < acc.length; k++) acc[k] = acc[k]! + x[k]!;
}
