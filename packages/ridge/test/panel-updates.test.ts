import { describe, expect, it } from 'vitest';
import { createRng } from '@voxelwise/core';
import { panelColumn, panelW } from '../src/linalg/panel-updates.js';

/** The pending update of a panel column one panel row at a time, as the reduction did before: the reference. */
function panelColumnByRow(columns: Float64Array, m: number, j: number, VT: Float64Array, WT: Float64Array, col: Float64Array): void {
  const co = j * m;
  for (let i = j; i < m; i++) col[i] = columns[co + i]!;
  for (let t = 0; t < j; t++) {
    const o = t * m;
    const a = WT[o + j]!;
    const c = VT[o + j]!;
    for (let i = j; i < m; i++) col[i] = col[i]! - VT[o + i]! * a - WT[o + i]! * c;
  }
}

/** Row j of Wᵀ one panel row at a time, as the reduction did before: the reference. */
function panelWByRow(
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
  for (let t = 0; t < j; t++) {
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
  for (let t = 0; t < j; t++) {
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

const sameBits = (a: Float64Array, b: Float64Array) => a.every((x, i) => Object.is(x, b[i]));

describe('panel loops of the Householder reduction', () => {
  const rng = createRng(21);
  const m = 41;
  const w = 11;
  const fill = (len: number) => Float64Array.from({ length: len }, () => rng.normal());

  // Every j from 0 to w − 1 covers no panel rows, fewer than four, and four-row groups with 0–3 left over.
  it.each(Array.from({ length: w }, (_, j) => j))('column %i: the same bits as one panel row at a time', (j) => {
    const columns = fill(w * m);
    const VT = fill(w * m);
    const WT = fill(w * m);
    const got = fill(m);
    const want = Float64Array.from(got);
    panelColumn(columns, m, j, VT, WT, got);
    panelColumnByRow(columns, m, j, VT, WT, want);
    expect(sameBits(got, want)).toBe(true);

    const v = fill(m);
    const z = fill(m - j - 1);
    const WT2 = Float64Array.from(WT);
    const t1 = new Float64Array(w);
    const t2 = new Float64Array(w);
    const r1 = new Float64Array(w);
    const r2 = new Float64Array(w);
    panelW(m, j, 0.7, VT, WT, v, z, t1, t2);
    panelWByRow(m, j, 0.7, VT, WT2, v, z, r1, r2);
    expect(sameBits(WT, WT2)).toBe(true);
    expect(sameBits(t1, r1) && sameBits(t2, r2)).toBe(true);
    if (j > 0) expect(t1.subarray(0, j).every((x) => x !== 0)).toBe(true);
  });
});
