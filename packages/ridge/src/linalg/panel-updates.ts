/**
 * The TypeScript loops of a dlatrd panel (LAPACK dlatrd, lower variant) in the Householder
 * reduction (`tridiagonalize.ts`): the pending rank-2j update of a panel column, and row j of
 * Wᵀ. Panel rows are taken four at a time, so each element is loaded and stored once per four
 * rows and the dot products run as eight independent sums; every element still goes through
 * the same operations in the same order as one row at a time (`test/panel-updates.test.ts`), so
 * the reduction's bits do not change.
 */

/**
 * Column j of the panel's partly reduced block into `col` (rows j..m−1): row j of `columns`
 * (column j of B's lower triangle, the only one kept up to date; B is untouched within a panel)
 * minus the pending update Σ_t V_t·W_t[j] + W_t·V_t[j], t = 0, 1, … in that order.
 */
export function panelColumn(columns: Float64Array, m: number, j: number, VT: Float64Array, WT: Float64Array, col: Float64Array): void {
  const co = j * m;
  for (let i = j; i < m; i++) col[i] = columns[co + i]!;
  let t = 0;
  for (; t + 4 <= j; t += 4) {
    const o0 = t * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    const a0 = WT[o0 + j]!;
    const c0 = VT[o0 + j]!;
    const a1 = WT[o1 + j]!;
    const c1 = VT[o1 + j]!;
    const a2 = WT[o2 + j]!;
    const c2 = VT[o2 + j]!;
    const a3 = WT[o3 + j]!;
    const c3 = VT[o3 + j]!;
    for (let i = j; i < m; i++) {
      col[i] =
        col[i]! -
        VT[o0 + i]! * a0 -
        WT[o0 + i]! * c0 -
        VT[o1 + i]! * a1 -
        WT[o1 + i]! * c1 -
        VT[o2 + i]! * a2 -
        WT[o2 + i]! * c2 -
        VT[o3 + i]! * a3 -
        WT[o3 + i]! * c3;
    }
  }
  for (; t < j; t++) {
    const o = t * m;
    const a = WT[o + j]!;
    const c = VT[o + j]!;
    for (let i = j; i < m; i++) col[i] = col[i]! - VT[o + i]! * a - WT[o + i]! * c;
  }
}

/**
 * Row j of Wᵀ from z = B·v (dlatrd): w = τ(z − V(Wᵀv) − W(Vᵀv)), then w += −½τ(wᵀv)·v. The
 * dot products Wᵀv and Vᵀv go to `t1` and `t2`; each is summed over i = j+1, j+2, … in order.
 */
export function panelW(
  m: number,
  j: number,
  tau: number,
  VT: Float64Array,
  WT: Float64Array,
  v: Float64Array,
  z: Float64Array,
  t1: Float64Array,
  t2: Float64Array,
): void {
  let t = 0;
  for (; t + 4 <= j; t += 4) {
    const o0 = t * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    let a0 = 0;
    let c0 = 0;
    let a1 = 0;
    let c1 = 0;
    let a2 = 0;
    let c2 = 0;
    let a3 = 0;
    let c3 = 0;
    for (let i = j + 1; i < m; i++) {
      const x = v[i]!;
      a0 += WT[o0 + i]! * x;
      c0 += VT[o0 + i]! * x;
      a1 += WT[o1 + i]! * x;
      c1 += VT[o1 + i]! * x;
      a2 += WT[o2 + i]! * x;
      c2 += VT[o2 + i]! * x;
      a3 += WT[o3 + i]! * x;
      c3 += VT[o3 + i]! * x;
    }
    t1[t] = a0;
    t2[t] = c0;
    t1[t + 1] = a1;
    t2[t + 1] = c1;
    t1[t + 2] = a2;
    t2[t + 2] = c2;
    t1[t + 3] = a3;
    t2[t + 3] = c3;
  }
  for (; t < j; t++) {
    const o = t * m;
    let a = 0;
    let c = 0;
    for (let i = j + 1; i < m; i++) {
      a += WT[o + i]! * v[i]!;
      c += VT[o + i]! * v[i]!;
    }
    t1[t] = a;
    t2[t] = c;
  }
  const wo = j * m;
  for (let i = j + 1; i < m; i++) WT[wo + i] = z[i - j - 1]!;
  t = 0;
  for (; t + 4 <= j; t += 4) {
    const o0 = t * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    const a0 = t1[t]!;
    const c0 = t2[t]!;
    const a1 = t1[t + 1]!;
    const c1 = t2[t + 1]!;
    const a2 = t1[t + 2]!;
    const c2 = t2[t + 2]!;
    const a3 = t1[t + 3]!;
    const c3 = t2[t + 3]!;
    for (let i = j + 1; i < m; i++) {
      WT[wo + i] =
        WT[wo + i]! -
        VT[o0 + i]! * a0 -
        WT[o0 + i]! * c0 -
        VT[o1 + i]! * a1 -
        WT[o1 + i]! * c1 -
        VT[o2 + i]! * a2 -
        WT[o2 + i]! * c2 -
        VT[o3 + i]! * a3 -
        WT[o3 + i]! * c3;
    }
  }
  for (; t < j; t++) {
    const o = t * m;
    const a = t1[t]!;
    const c = t2[t]!;
    for (let i = j + 1; i < m; i++) WT[wo + i] = WT[wo + i]! - VT[o + i]! * a - WT[o + i]! * c;
  }
  let dot = 0;
  for (let i = j + 1; i < m; i++) {
    const s = WT[wo + i]! * tau;
    WT[wo + i] = s;
    dot += s * v[i]!;
  }
  const a = -0.5 * tau * dot;
  for (let i = j + 1; i < m; i++) WT[wo + i] = WT[wo + i]! + a * v[i]!;
}
