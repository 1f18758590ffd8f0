/**
 * The WebAssembly inner loop (symv-kernel.wat, `quad`): four rows from byte offset `a` (row
 * stride `lda` elements) against columns [c0, c1) of `x` and `y` (byte offsets of element 0);
 * stores the four row sums at byte offset `out`.
 */
export type QuadKernel = (
  a: number,
  lda: number,
  c0: number,
  c1: number,
  x: number,
  y: number,
  out: number,
  x0: number,
  x1: number,
  x2: number,
  x3: number,
) => void;

/** The WebAssembly loop and where it writes its sums; A, x, y and `sums` must then be views of its memory. */
export interface QuadLoop {
  readonly quad: QuadKernel;
  /** Four float64 values for the row sums. */
  readonly sums: Float64Array;
}

/**
 * `y[r0..n) = S·x[r0..n)` for the symmetric block `S = A[r0..n, r0..n]` of a row-major matrix
 * with row stride `lda`, reading only the lower triangle of S (LAPACK dsymv, lower). Each
 * element read is used twice (`y_i += a_ij·x_j`, `y_j += a_ij·x_i`), so the product streams half
 * the memory of a general matrix-vector product. Entries of `y` outside [r0, n) are left
 * untouched; `x` and `y` must not overlap.
 */
export function symvLower(A: Float64Array, lda: number, r0: number, n: number, x: Float64Array, y: Float64Array): void {
  y.fill(0, r0, n);
  symvRows(A, lda, r0, r0, n, x, y, null);
}

/**
 * Adds to `y` what rows [i0, i1) of the lower triangle of `A[r0.., r0..]` contribute to
 * `S·x`: `y_i += Σ_{r0 ≤ j ≤ i} a_ij·x_j` and `y_j += a_ij·x_i` for j < i, so disjoint row
 * ranges can run on different threads into different `y`. Four rows at a time share every load
 * and store of `x[j]` and `y[j]`; their loop over the columns runs in WebAssembly SIMD when
 * `loop` is given, else here with the same operations in the same order (two interleaved sums
 * per row, like the two SIMD lanes), so both give the same bits. Self-contained (no outside
 * references): worker threads evaluate its source.
 */
export function symvRows(
  A: Float64Array,
  lda: number,
  r0: number,
  i0: number,
  i1: number,
  x: Float64Array,
  y: Float64Array,
  loop: QuadLoop | null,
): void {
  let i = i0;
  for (; i + 3 < i1; i += 4) {
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
    if (loop) {
      loop.quad(A.byteOffset + o0 * 8, lda, r0, i, x.byteOffset, y.byteOffset, loop.sums.byteOffset, x0, x1, x2, x3);
      s0 = loop.sums[0]!;
      s1 = loop.sums[1]!;
      s2 = loop.sums[2]!;
      s3 = loop.sums[3]!;
    } else {
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      const pairs = r0 + ((i - r0) & ~1);
      let c = r0;
      for (; c < pairs; c += 2) {
        const a0 = A[o0 + c]!;
        const a1 = A[o1 + c]!;
        const a2 = A[o2 + c]!;
        const a3 = A[o3 + c]!;
        const xc = x[c]!;
        s0 += a0 * xc;
        s1 += a1 * xc;
        s2 += a2 * xc;
        s3 += a3 * xc;
        y[c] = y[c]! + (a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3);
        const b0 = A[o0 + c + 1]!;
        const b1 = A[o1 + c + 1]!;
        const b2 = A[o2 + c + 1]!;
        const b3 = A[o3 + c + 1]!;
        const xd = x[c + 1]!;
        e0 += b0 * xd;
        e1 += b1 * xd;
        e2 += b2 * xd;
        e3 += b3 * xd;
        y[c + 1] = y[c + 1]! + (b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3);
      }
      s0 += e0;
      s1 += e1;
      s2 += e2;
      s3 += e3;
      if (c < i) {
        const a0 = A[o0 + c]!;
        const a1 = A[o1 + c]!;
        const a2 = A[o2 + c]!;
        const a3 = A[o3 + c]!;
        const xc = x[c]!;
        s0 += a0 * xc;
        s1 += a1 * xc;
        s2 += a2 * xc;
        s3 += a3 * xc;
        y[c] = y[c]! + (a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3);
      }
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
  for (; i < i1; i++) {
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
