/**
 * Operations with a symmetric tridiagonal matrix T (diagonal `d`, off-diagonal `e`) applied to
 * the columns of a row-major p × c block, so every inner loop runs over c contiguous values.
 * A diagonal matrix is the special case `e = 0` (the eigenbasis).
 */

/**
 * Solves `(T + λI)·X = M` in place for every column of M (p × c) by an LDLᵀ factorisation of
 * the symmetric positive definite tridiagonal `T + λI` (Golub & Van Loan Alg. 4.3.6). Rows
 * with `keep[i] = 0` are components dropped by a singular-value cutoff: their solution is 0.
 */
export function solveShifted(
  d: Float64Array,
  e: Float64Array | null,
  lambda: number,
  M: Float64Array,
  p: number,
  c: number,
  keep?: Uint8Array,
): void {
  if (!e) {
    for (let i = 0; i < p; i++) {
      const f = keep && !keep[i] ? 0 : 1 / (d[i]! + lambda);
      const o = i * c;
      for (let j = 0; j < c; j++) M[o + j] = M[o + j]! * f;
    }
    return;
  }
  const D = new Float64Array(p);
  const l = new Float64Array(Math.max(0, p - 1));
  D[0] = d[0]! + lambda;
  for (let i = 0; i + 1 < p; i++) {
    l[i] = e[i]! / D[i]!;
    D[i + 1] = d[i + 1]! + lambda - l[i]! * e[i]!;
  }
  for (let i = 1; i < p; i++) {
    const li = l[i - 1]!;
    if (li === 0) continue;
    const o = i * c;
    const po = o - c;
    for (let j = 0; j < c; j++) M[o + j] = M[o + j]! - li * M[po + j]!;
  }
  for (let i = 0; i < p; i++) {
    const f = 1 / D[i]!;
    const o = i * c;
    for (let j = 0; j < c; j++) M[o + j] = M[o + j]! * f;
  }
  for (let i = p - 2; i >= 0; i--) {
    const li = l[i]!;
    if (li === 0) continue;
    const o = i * c;
    const no = o + c;
    for (let j = 0; j < c; j++) M[o + j] = M[o + j]! - li * M[no + j]!;
  }
}

/** `out = (T·M)·scale` for M p × c row-major (rows with `keep[i] = 0` give 0). */
export function multiplyTridiagonal(
  d: Float64Array,
  e: Float64Array | null,
  M: Float64Array,
  p: number,
  c: number,
  out: Float64Array,
  scale = 1,
  keep?: Uint8Array,
): void {
  for (let i = 0; i < p; i++) {
    const o = i * c;
    const di = d[i]! * scale;
    for (let j = 0; j < c; j++) out[o + j] = di * M[o + j]!;
    if (e) {
      if (i > 0) {
        const a = e[i - 1]! * scale;
        const po = o - c;
        for (let j = 0; j < c; j++) out[o + j] = out[o + j]! + a * M[po + j]!;
      }
      if (i + 1 < p) {
        const b = e[i]! * scale;
        const no = o + c;
        for (let j = 0; j < c; j++) out[o + j] = out[o + j]! + b * M[no + j]!;
      }
    }
    if (keep && !keep[i]) out.fill(0, o, o + c);
  }
}

/** Number of eigenvalues of T smaller than x (Sturm sequence via the LDLᵀ pivots of T − xI). */
function sturmCount(d: Float64Array, e: Float64Array, x: number): number {
  let count = 0;
  let q = d[0]! - x;
  if (q < 0) count++;
  for (let i = 1; i < d.length; i++) {
    const ei = e[i - 1]!;
    q = d[i]! - x - (ei * ei) / (q !== 0 ? q : Number.EPSILON * (Math.abs(ei) + 1e-300));
    if (q < 0) count++;
  }
  return count;
}

/**
 * Smallest and largest eigenvalues of T by bisection on Sturm counts inside the Gershgorin
 * interval (Golub & Van Loan §8.4.1), to full float64 precision.
 */
export function extremeEigenvalues(d: Float64Array, e: Float64Array): { min: number; max: number } {
  const p = d.length;
  if (p === 0) return { min: 0, max: 0 };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < p; i++) {
    const r = (i > 0 ? Math.abs(e[i - 1]!) : 0) + (i + 1 < p ? Math.abs(e[i]!) : 0);
    lo = Math.min(lo, d[i]! - r);
    hi = Math.max(hi, d[i]! + r);
  }
  const bisect = (k: number): number => {
    // The (k+1)-th smallest eigenvalue: the smallest x with sturmCount(x) > k.
    let a = lo;
    let b = hi;
    for (let it = 0; it < 200 && b - a > 2 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b)); it++) {
      const mid = 0.5 * (a + b);
      if (mid === a || mid === b) break;
      if (sturmCount(d, e, mid) > k) b = mid;
      else a = mid;
    }
    return 0.5 * (a + b);
  };
  return { min: bisect(0), max: bisect(p - 1) };
}

/**
 * Eigenvalues and eigenvectors of T by the implicit QL method (JAMA tql2, after the EISPACK
 * routine of Bowdler, Martin, Reinsch & Wilkinson). `ZT` holds a basis in its rows (p × p,
 * row-major), e.g. Qᵀ of a tridiagonalisation; on return row k holds the eigenvector of the
 * k-th eigenvalue (ascending) expressed through that basis. `d` is overwritten by the
 * eigenvalues.
 */
export function tql2(d: Float64Array, eIn: Float64Array, ZT: Float64Array): void {
  const n = d.length;
  const e = new Float64Array(n);
  e.set(eIn.subarray(0, Math.max(0, n - 1)));
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  const rotate = (i: number, c: number, s: number): void => {
    const a = i * n;
    const b = a + n;
    for (let k = 0; k < n; k++) {
      const h = ZT[b + k]!;
      const g = ZT[a + k]!;
      ZT[b + k] = s * g + c * h;
      ZT[a + k] = c * g - s * h;
    }
  };
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) break;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          rotate(i, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  // Selection sort into ascending order, swapping rows of ZT alongside.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) {
      if (d[j]! < p) {
        k = j;
        p = d[j]!;
      }
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      const a = i * n;
      const b = k * n;
      for (let t = 0; t < n; t++) {
        const tmp = ZT[a + t]!;
        ZT[a + t] = ZT[b + t]!;
        ZT[b + t] = tmp;
      }
    }
  }
}

/**
 * Row-wise form of {@link solveShifted}: `(T + λI)⁻¹` applied to each row of a row-major c × p
 * block `M` (one vector per row, so the block is the transpose of solveShifted's), row r written
 * to row `outRow + r` of `out` (p columns, either precision). Every element goes through the same
 * operations in the same order as in solveShifted, so the results are the same bits; no block
 * has to be transposed or copied first.
 */
export function solveShiftedRows(
  d: Float64Array,
  e: Float64Array | null,
  lambda: number,
  M: Float32Array | Float64Array,
  c: number,
  p: number,
  out: Float32Array | Float64Array,
  outRow: number,
  keep?: Uint8Array,
): void {
  if (p === 0) return;
  const f = new Float64Array(p);
  if (!e) {
    for (let i = 0; i < p; i++) f[i] = keep && !keep[i] ? 0 : 1 / (d[i]! + lambda);
    for (let r = 0; r < c; r++) {
      const o = r * p;
      const oo = (outRow + r) * p;
      for (let i = 0; i < p; i++) out[oo + i] = M[o + i]! * f[i]!;
    }
    return;
  }
  const D = new Float64Array(p);
  const l = new Float64Array(Math.max(0, p - 1));
  D[0] = d[0]! + lambda;
  for (let i = 0; i + 1 < p; i++) {
    l[i] = e[i]! / D[i]!;
    D[i + 1] = d[i + 1]! + lambda - l[i]! * e[i]!;
  }
  for (let i = 0; i < p; i++) f[i] = 1 / D[i]!;
  const y = new Float64Array(p);
  const y1 = new Float64Array(p);
  let r = 0;
  // Two rows at a time: their recurrences are independent, so each hides the other's latency.
  for (; r + 2 <= c; r += 2) {
    const o = r * p;
    const o1 = o + p;
    let prev = M[o]!;
    let prev1 = M[o1]!;
    y[0] = prev;
    y1[0] = prev1;
    for (let i = 1; i < p; i++) {
      const li = l[i - 1]!;
      if (li === 0) {
        prev = M[o + i]!;
        prev1 = M[o1 + i]!;
      } else {
        prev = M[o + i]! - li * prev;
        prev1 = M[o1 + i]! - li * prev1;
      }
      y[i] = prev;
      y1[i] = prev1;
    }
    const oo = (outRow + r) * p;
    const oo1 = oo + p;
    let next = y[p - 1]! * f[p - 1]!;
    let next1 = y1[p - 1]! * f[p - 1]!;
    out[oo + p - 1] = next;
    out[oo1 + p - 1] = next1;
    for (let i = p - 2; i >= 0; i--) {
      const li = l[i]!;
      const fi = f[i]!;
      if (li === 0) {
        next = y[i]! * fi;
        next1 = y1[i]! * fi;
      } else {
        next = y[i]! * fi - li * next;
        next1 = y1[i]! * fi - li * next1;
      }
      out[oo + i] = next;
      out[oo1 + i] = next1;
    }
  }
  for (; r < c; r++) {
    const o = r * p;
    // Forward elimination, then the scaling and the back substitution fused (each element is
    // scaled before its own back-substitution step, as in the three passes of solveShifted).
    let prev = M[o]!;
    y[0] = prev;
    for (let i = 1; i < p; i++) {
      const li = l[i - 1]!;
      prev = li === 0 ? M[o + i]! : M[o + i]! - li * prev;
      y[i] = prev;
    }
    const oo = (outRow + r) * p;
    let next = y[p - 1]! * f[p - 1]!;
    out[oo + p - 1] = next;
    for (let i = p - 2; i >= 0; i--) {
      const li = l[i]!;
      const t = y[i]! * f[i]!;
      next = li === 0 ? t : t - li * next;
      out[oo + i] = next;
    }
  }
}

/**
 * Row-wise form of {@link multiplyTridiagonal}: `out = (M·T)·scale` for M c × p row-major (each
 * row times the symmetric T), row r of the result written to row `outRow + r` of `out`; columns
 * with `keep[i] = 0` give 0. Same operations in the same order per element, so the same bits.
 * `e = null` with `d` all ones and scale 1 copies M (with the kept columns only).
 */
export function multiplyTridiagonalRows(
  d: Float64Array,
  e: Float64Array | null,
  M: Float32Array | Float64Array,
  c: number,
  p: number,
  out: Float32Array | Float64Array,
  outRow: number,
  scale = 1,
  keep?: Uint8Array,
): void {
  if (p === 0) return;
  const ds = new Float64Array(p);
  for (let i = 0; i < p; i++) ds[i] = d[i]! * scale;
  const es = new Float64Array(Math.max(0, p - 1));
  if (e) for (let i = 0; i + 1 < p; i++) es[i] = e[i]! * scale;
  for (let r = 0; r < c; r++) {
    const o = r * p;
    const oo = (outRow + r) * p;
    if (!e || p === 1) {
      for (let i = 0; i < p; i++) out[oo + i] = ds[i]! * M[o + i]!;
    } else {
      out[oo] = ds[0]! * M[o]! + es[0]! * M[o + 1]!;
      for (let i = 1; i + 1 < p; i++) out[oo + i] = ds[i]! * M[o + i]! + es[i - 1]! * M[o + i - 1]! + es[i]! * M[o + i + 1]!;
      out[oo + p - 1] = ds[p - 1]! * M[o + p - 1]! + es[p - 2]! * M[o + p - 2]!;
    }
    if (keep) for (let i = 0; i < p; i++) if (!keep[i]) out[oo + i] = 0;
  }
}
