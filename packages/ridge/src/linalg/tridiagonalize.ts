import { matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import type { DenseKernels, Tridiagonalization } from './backend.js';

/** One panel of Householder reflectors, kept for forming Q. */
interface Panel {
  /** Order of the active block of Q̃ this panel acts on (= block order − 1). */
  readonly order: number;
  /** Reflectors in the active block's coordinates: order × width, V[j, j] = 1, zeros above. */
  readonly V: Float64Array;
  readonly width: number;
  readonly tau: Float64Array;
}

/**
 * Householder reflector `H = I − τ·v·vᵀ` with `H·[alpha; x] = [beta; 0]`, `v[0] = 1`
 * (LAPACK dlarfg). Writes v[1..] into `x` in place and returns beta and tau.
 */
function reflector(alpha: number, x: Float64Array, from: number, to: number): { beta: number; tau: number } {
  let scale = 0;
  for (let i = from; i < to; i++) scale = Math.max(scale, Math.abs(x[i]!));
  if (scale === 0) return { beta: alpha, tau: 0 };
  let ss = 0;
  for (let i = from; i < to; i++) {
    const t = x[i]! / scale;
    ss += t * t;
  }
  const xnorm = scale * Math.sqrt(ss);
  const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
  const tau = (beta - alpha) / beta;
  const f = 1 / (alpha - beta);
  for (let i = from; i < to; i++) x[i] = x[i]! * f;
  return { beta, tau };
}

/**
 * Blocked Householder tridiagonalisation `G = Q·T·Qᵀ` of a symmetric matrix (LAPACK dsytrd
 * with dlatrd panels, lower variant; Golub & Van Loan §8.3.1). The O(p³) work runs through
 * `kernels`: one matrix-vector product per column on the panel's block and one rank-2·nb
 * product per panel; Q is formed afterwards from compact-WY block reflectors (dorgtr with
 * dlarft). The active block is kept contiguous (compacted in place after each panel) so every
 * product works on plain row-major arrays.
 */
export async function tridiagonalizeBlocked(G: Matrix<Float64Array>, kernels: DenseKernels, blockSize = 64): Promise<Tridiagonalization> {
  const n = G.rows;
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  if (n === 0) return { d, e, Q: matrix(0, 0, new Float64Array(0)) };
  const B = Float64Array.from(G.data);
  const panels: Panel[] = [];
  let m = n;
  let k0 = 0;
  let product: Float64Array | null = null;
  const col = new Float64Array(n);
  const vt = new Float64Array(n);
  const z = new Float64Array(n);
  for (;;) {
    const w = Math.min(blockSize, m);
    const last = m <= blockSize;
    const Vp = new Float64Array(m * w);
    const W = new Float64Array(m * w);
    const tau = new Float64Array(w);
    const t1 = new Float64Array(w);
    const t2 = new Float64Array(w);
    for (let j = 0; j < w; j++) {
      // Column j of the partly reduced block: row j of the (symmetric, untouched) block minus
      // the panel's pending rank-2j update.
      for (let i = j; i < m; i++) col[i] = B[j * m + i]!;
      if (j > 0) {
        const jo = j * w;
        for (let i = j; i < m; i++) {
          const io = i * w;
          let s = 0;
          for (let t = 0; t < j; t++) s += Vp[io + t]! * W[jo + t]! + W[io + t]! * Vp[jo + t]!;
          col[i] = col[i]! - s;
        }
      }
      d[k0 + j] = col[j]!;
      if (j + 1 >= m) break;
      const { beta, tau: tj } = reflector(col[j + 1]!, col, j + 2, m);
      e[k0 + j] = beta;
      tau[j] = tj;
      col[j + 1] = 1;
      for (let i = j + 1; i < m; i++) Vp[i * w + j] = col[i]!;
      if (tj === 0) continue;
      // w_j = τ (B v − V (Wᵀ v) − W (Vᵀ v)); then w_j += −½ τ (w_jᵀ v) v (dlatrd).
      vt.fill(0, 0, j + 1);
      for (let i = j + 1; i < m; i++) vt[i] = col[i]!;
      const rows = m - j - 1;
      await kernels.gemv(B.subarray((j + 1) * m, m * m), rows, m, vt.subarray(0, m), z.subarray(0, rows));
      t1.fill(0);
      t2.fill(0);
      for (let i = j + 1; i < m; i++) {
        const io = i * w;
        const vi = col[i]!;
        for (let t = 0; t < j; t++) {
          t1[t] = t1[t]! + W[io + t]! * vi;
          t2[t] = t2[t]! + Vp[io + t]! * vi;
        }
      }
      let dot = 0;
      for (let i = j + 1; i < m; i++) {
        const io = i * w;
        let s = z[i - j - 1]!;
        for (let t = 0; t < j; t++) s -= Vp[io + t]! * t1[t]! + W[io + t]! * t2[t]!;
        s *= tj;
        W[io + j] = s;
        dot += s * col[i]!;
      }
      const a = -0.5 * tj * dot;
      for (let i = j + 1; i < m; i++) W[i * w + j] = W[i * w + j]! + a * col[i]!;
    }
    if (m > 1) panels.push({ order: m - 1, V: Vp.subarray(w, m * w), width: w, tau });
    if (last) break;
    // Trailing update B22 −= V Wᵀ + W Vᵀ as one product [V W]·[W V]ᵀ (dsyr2k).
    const mt = m - w;
    const L = new Float64Array(mt * 2 * w);
    const RT = new Float64Array(2 * w * mt);
    for (let i = 0; i < mt; i++) {
      const src = (i + w) * w;
      for (let t = 0; t < w; t++) {
        const v = Vp[src + t]!;
        const ww = W[src + t]!;
        L[i * 2 * w + t] = v;
        L[i * 2 * w + w + t] = ww;
        RT[t * mt + i] = ww;
        RT[(w + t) * mt + i] = v;
      }
    }
    if (!product || product.length < mt * mt) product = new Float64Array(mt * mt);
    const out = product.subarray(0, mt * mt);
    await kernels.gemm(L, RT, mt, 2 * w, mt, out);
    // Compact the trailing block to the front of B while subtracting (new index ≤ old index).
    for (let i = 0; i < mt; i++) {
      const so = (i + w) * m + w;
      const no = i * mt;
      for (let jj = 0; jj < mt; jj++) B[no + jj] = B[so + jj]! - out[no + jj]!;
    }
    k0 += w;
    m = mt;
  }
  const Q = await formQ(n, panels, kernels, product);
  return { d, e, Q };
}

/** Upper-triangular T of the block reflector `H_0⋯H_{w−1} = I − V·T·Vᵀ` (LAPACK dlarft, forward, columnwise). */
function blockReflectorT(V: Float64Array, order: number, w: number, tau: Float64Array): Float64Array {
  const VtV = new Float64Array(w * w);
  for (let i = 0; i < order; i++) {
    const o = i * w;
    for (let a = 0; a < w; a++) {
      const va = V[o + a]!;
      if (va === 0) continue;
      for (let b = a + 1; b < w; b++) VtV[a * w + b] = VtV[a * w + b]! + va * V[o + b]!;
    }
  }
  const T = new Float64Array(w * w);
  const tmp = new Float64Array(w);
  for (let j = 0; j < w; j++) {
    const tj = tau[j]!;
    T[j * w + j] = tj;
    for (let i = 0; i < j; i++) {
      let s = 0;
      for (let t = i; t < j; t++) s += T[i * w + t]! * VtV[t * w + j]!;
      tmp[i] = -tj * s;
    }
    for (let i = 0; i < j; i++) T[i * w + j] = tmp[i]!;
  }
  return T;
}

/** Forms Q = 1 ⊕ Q̃ by applying the panels' block reflectors backwards (LAPACK dorgtr). */
async function formQ(n: number, panels: Panel[], kernels: DenseKernels, scratch: Float64Array | null): Promise<Matrix<Float64Array>> {
  const nq = n - 1;
  const Qb = new Float64Array(Math.max(0, nq * nq));
  let cur = 0;
  let product = scratch;
  for (let pi = panels.length - 1; pi >= 0; pi--) {
    const { order: mq, V, width: w, tau } = panels[pi]!;
    // Grow the active block to mq: [[I, 0], [0, old]], moving old entries towards the end.
    const s = mq - cur;
    for (let i = cur - 1; i >= 0; i--) {
      for (let j = cur - 1; j >= 0; j--) Qb[(i + s) * mq + (j + s)] = Qb[i * cur + j]!;
    }
    for (let i = 0; i < mq; i++) {
      const o = i * mq;
      if (i < s) {
        Qb.fill(0, o, o + mq);
        Qb[o + i] = 1;
      } else {
        Qb.fill(0, o, o + s);
      }
    }
    cur = mq;
    const block = Qb.subarray(0, mq * mq);
    const T = blockReflectorT(V, mq, w, tau);
    const Vt = new Float64Array(w * mq);
    for (let i = 0; i < mq; i++) for (let t = 0; t < w; t++) Vt[t * mq + i] = V[i * w + t]!;
    const VtQ = new Float64Array(w * mq);
    await kernels.gemm(Vt, block, w, mq, mq, VtQ);
    // Y = T·(VᵀQ), T upper triangular.
    const Y = new Float64Array(w * mq);
    for (let a = 0; a < w; a++) {
      const yo = a * mq;
      for (let b = a; b < w; b++) {
        const tab = T[a * w + b]!;
        if (tab === 0) continue;
        const so = b * mq;
        for (let j = 0; j < mq; j++) Y[yo + j] = Y[yo + j]! + tab * VtQ[so + j]!;
      }
    }
    if (!product || product.length < mq * mq) product = new Float64Array(mq * mq);
    const out = product.subarray(0, mq * mq);
    await kernels.gemm(V, Y, mq, w, mq, out);
    for (let k = 0; k < mq * mq; k++) block[k] = block[k]! - out[k]!;
  }
  const Q = new Float64Array(n * n);
  Q[0] = 1;
  for (let i = 0; i < nq; i++) Q.set(Qb.subarray(i * nq, (i + 1) * nq), (i + 1) * n + 1);
  return matrix(n, n, Q);
}
