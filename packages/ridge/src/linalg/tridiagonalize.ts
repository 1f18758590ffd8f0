import { matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import type { DenseKernels, Tridiagonalization } from './backend.js';
import { transposeInto } from './dense.js';
import { panelColumn, panelW } from './panel-updates.js';
import { symvLower } from './symmetric-gemv.js';
import { createSymvPool } from './symmetric-gemv-pool.js';
import type { SymvPool } from './symmetric-gemv-pool.js';

/** Trailing blocks from this order on run their symmetric matrix-vector products on the shared pool (WebAssembly, worker threads). */
const POOL_MIN = 512;

/** One panel of Householder reflectors, kept for forming Q. */
interface Panel {
  /** Order of the active block of Q̃ this panel acts on (= block order − 1). */
  readonly order: number;
  /** Reflectors as rows, in the active block's coordinates: width × order, Vt[j, j] = 1, zeros before. */
  readonly Vt: Float64Array;
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
 * with dlatrd panels, lower variant; Golub & Van Loan §8.3.1). Half the O(p³) work is one
 * symmetric matrix-vector product per column with the panel's block (memory-bound: it reads
 * only the lower triangle; from order 512 on in WebAssembly SIMD shared with worker threads,
 * same bits as the TypeScript loop used below that); the
 * other half runs through `kernels`: one rank-2·nb update per panel (of the lower triangle only,
 * in row strips), and Q formed afterwards from compact-WY block reflectors (dorgtr with dlarft).
 * The active block is kept contiguous (the next one is written to the front of a second buffer)
 * so every product works on plain row-major arrays; the panel's V and W are stored transposed so
 * the TypeScript loops run over long contiguous rows. Only B's lower triangle is read.
 */
export async function tridiagonalizeBlocked(G: Matrix<Float64Array>, kernels: DenseKernels, blockSize = 64): Promise<Tridiagonalization> {
  const n = G.rows;
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  if (n === 0) return { d, e, Q: matrix(0, 0, new Float64Array(0)) };
  const pool = n >= POOL_MIN ? await createSymvPool(n) : null;
  try {
    const panels = await reduce(G, kernels, blockSize, d, e, pool);
    const Q = await formQ(n, panels, kernels);
    return { d, e, Q };
  } finally {
    await pool?.close();
  }
}

/** The panel loop of {@link tridiagonalizeBlocked}: fills d and e, returns the reflectors. */
async function reduce(
  G: Matrix<Float64Array>,
  kernels: DenseKernels,
  blockSize: number,
  d: Float64Array,
  e: Float64Array,
  pool: SymvPool | null,
): Promise<Panel[]> {
  const n = G.rows;
  // With a pool the trailing blocks live in its two shared blocks, which it reads in place.
  let B = pool ? pool.blocks[0].subarray(0, n * n) : new Float64Array(n * n);
  B.set(G.data);
  let scratch = pool ? pool.blocks[1] : new Float64Array(n > blockSize ? (n - Math.min(blockSize, n)) ** 2 : 0);
  const strips = stripBuffers(n - Math.min(blockSize, n), blockSize);
  const panels: Panel[] = [];
  let m = n;
  let k0 = 0;
  const col = new Float64Array(n);
  // The panel's columns of B's lower triangle, as rows: read once per panel, contiguously.
  const columns = new Float64Array(Math.min(blockSize, n) * n);
  const vt = new Float64Array(n);
  const z = new Float64Array(n);
  // Panel storage reused from panel to panel (cleared, as fresh arrays were), so the reduction
  // does not leave tens of megabytes per panel for the garbage collector.
  const bw = Math.min(blockSize, n);
  const VTbuf = new Float64Array(bw * n);
  const WTbuf = new Float64Array(bw * n);
  const t1 = new Float64Array(bw);
  const t2 = new Float64Array(bw);
  const factors = new Float64Array(3 * 2 * bw * Math.max(0, n - bw));
  for (;;) {
    const w = Math.min(blockSize, m);
    const last = m <= blockSize;
    const panel = {
      VT: VTbuf.subarray(0, w * m).fill(0),
      WT: WTbuf.subarray(0, w * m).fill(0),
      tau: new Float64Array(w),
      t1,
      t2,
    };
    // The block is unchanged within a panel: one copy into shared memory serves its columns.
    const shared = pool && m >= POOL_MIN ? pool : null;
    shared?.load(B, m);
    panelColumns(B, m, w, columns);
    for (let j = 0; j < w; j++) {
      const tj = columnReflector(columns, m, j, k0, panel, col, vt, d, e);
      if (tj === null) break;
      if (tj === 0) continue;
      if (shared) shared.symv(j + 1, m, vt, z);
      else symvLower(B, m, j + 1, m, vt, z);
      panelW(m, j, tj, panel.VT, panel.WT, col, z.subarray(j + 1), panel.t1, panel.t2);
    }
    if (m > 1) {
      const mq = m - 1;
      const Vt = new Float64Array(w * mq);
      for (let t = 0; t < w; t++) Vt.set(panel.VT.subarray(t * m + 1, (t + 1) * m), t * mq);
      panels.push({ order: mq, Vt, width: w, tau: panel.tau });
    }
    if (last) break;
    const mt = m - w;
    const { L, RT } = rank2Factors(panel.VT, panel.WT, m, w, factors);
    await trailingUpdate(B, m, w, L, RT, scratch, strips, kernels);
    [B, scratch] = [scratch, B];
    k0 += w;
    m = mt;
  }
  return panels;
}

/**
 * Reduces column j of the panel (dlatrd): the column with the pending update applied, its
 * diagonal into d, the reflector annihilating it below the subdiagonal (e, tau, row j of Vᵀ)
 * and the zero-padded reflector in `vt` for the product with the block. Returns tau, or null
 * after the last column of the matrix.
 */
function columnReflector(
  columns: Float64Array,
  m: number,
  j: number,
  k0: number,
  panel: { VT: Float64Array; WT: Float64Array; tau: Float64Array },
  col: Float64Array,
  vt: Float64Array,
  d: Float64Array,
  e: Float64Array,
): number | null {
  panelColumn(columns, m, j, panel.VT, panel.WT, col);
  d[k0 + j] = col[j]!;
  if (j + 1 >= m) return null;
  const { beta, tau } = reflector(col[j + 1]!, col, j + 2, m);
  e[k0 + j] = beta;
  panel.tau[j] = tau;
  col[j + 1] = 1;
  panel.VT.set(col.subarray(j + 1, m), j * m + j + 1);
  vt.fill(0, 0, j + 1);
  vt.set(col.subarray(j + 1, m), j + 1);
  return tau;
}

/**
 * Row strips of the trailing update hold about this many panel widths: the strips that cover the
 * lower triangle of an order-mt block compute (k + 1)/(2k) of the full product for k strips
 * (0.58 at mt ≈ 3,000 with 64-wide panels), while each product stays large enough for the
 * backend's GEMM to run at full speed.
 */
const STRIP_BLOCKS = 6;

/** Staging for one row strip of the trailing update: C's strip, its result, and the prefix of Rᵀ. */
interface StripBuffers {
  readonly rowsTarget: number;
  readonly C: Float64Array;
  readonly out: Float64Array;
  readonly RT: Float64Array;
}

/** Buffers for the strips of trailing blocks of order ≤ `mt` under panels of width ≤ `blockSize`. */
function stripBuffers(mt: number, blockSize: number): StripBuffers {
  const rowsTarget = STRIP_BLOCKS * blockSize;
  // round(mt / rowsTarget) ≥ 2 strips have ≤ ceil(mt / strips) ≤ 1.25·rowsTarget + 1 rows.
  const rows = Math.min(mt, Math.ceil(1.25 * rowsTarget) + 1);
  return { rowsTarget, C: new Float64Array(rows * mt), out: new Float64Array(rows * mt), RT: new Float64Array(2 * blockSize * mt) };
}

/**
 * Trailing update `B22 −= V·Wᵀ + W·Vᵀ` as products `[V W]·[W V]ᵀ` (LAPACK dsyr2k), written into
 * `out` as the mt × mt block (mt = m − w) that the next panel reduces. Only its lower triangle is
 * computed and later read (panel columns and the symmetric matrix-vector products read nothing
 * else): row strips `[r0, r1)` times columns `[0, r1)`, each a product of the backend, so about
 * 40 % of dsyr2k's flops as a full product are skipped. The upper triangle of `out` is left as
 * it was. A block too small for two strips gets one full product.
 */
async function trailingUpdate(
  B: Float64Array,
  m: number,
  w: number,
  L: Float64Array,
  RT: Float64Array,
  out: Float64Array,
  buffers: StripBuffers,
  kernels: DenseKernels,
): Promise<void> {
  const mt = m - w;
  const k = 2 * w;
  const strips = Math.round(mt / buffers.rowsTarget);
  if (strips < 2) {
    // The trailing block compacted to the front of B, one product into `out` (through private
    // copies when B and `out` are shared memory, which onnxruntime does not accept).
    for (let i = 0; i < mt; i++) B.copyWithin(i * mt, (i + w) * m + w, (i + w) * m + w + mt);
    const shared = isShared(B) || isShared(out);
    const C = shared ? B.slice(0, mt * mt) : B.subarray(0, mt * mt);
    const res = shared ? new Float64Array(mt * mt) : out.subarray(0, mt * mt);
    await kernels.gemmSubtract(L, RT, C, mt, k, mt, res);
    if (shared) out.set(res);
    return;
  }
  for (let s = 0; s < strips; s++) {
    const r0 = Math.floor((s * mt) / strips);
    const r1 = Math.floor(((s + 1) * mt) / strips);
    const rows = r1 - r0;
    const C = buffers.C.subarray(0, rows * r1);
    const res = buffers.out.subarray(0, rows * r1);
    for (let i = 0; i < rows; i++) {
      const src = (r0 + i + w) * m + w;
      C.set(B.subarray(src, src + r1), i * r1);
    }
    let RTs = RT;
    if (r1 < mt) {
      RTs = buffers.RT.subarray(0, k * r1);
      for (let t = 0; t < k; t++) RTs.set(RT.subarray(t * mt, t * mt + r1), t * r1);
    }
    await kernels.gemmSubtract(L.subarray(r0 * k, r1 * k), RTs, C, rows, k, r1, res);
    for (let i = 0; i < rows; i++) out.set(res.subarray(i * r1, (i + 1) * r1), (r0 + i) * mt);
  }
}

/** Whether `a` lies in shared memory (a SharedArrayBuffer, or a shared WebAssembly memory). */
function isShared(a: Float64Array): boolean {
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * L = [V W] (trailing rows × 2w) and Rᵀ = [W V]ᵀ (2w × trailing rows), so L·Rᵀ = V·Wᵀ + W·Vᵀ;
 * written into `room` (three blocks of 2w × trailing rows: Lᵀ, Rᵀ, L), every element set.
 */
function rank2Factors(VT: Float64Array, WT: Float64Array, m: number, w: number, room: Float64Array): { L: Float64Array; RT: Float64Array } {
  const mt = m - w;
  const size = 2 * w * mt;
  const LT = room.subarray(0, size);
  const RT = room.subarray(size, 2 * size);
  for (let t = 0; t < w; t++) {
    const v = VT.subarray(t * m + w, (t + 1) * m);
    const ww = WT.subarray(t * m + w, (t + 1) * m);
    LT.set(v, t * mt);
    LT.set(ww, (w + t) * mt);
    RT.set(ww, t * mt);
    RT.set(v, (w + t) * mt);
  }
  const L = room.subarray(2 * size, 3 * size);
  transposeInto(LT, 2 * w, mt, L);
  return { L, RT };
}

/**
 * Columns `[0, w)` of the lower triangle of B (order m) into the rows of `columns` (w × m, row t
 * holding column t from row t on), reading each row of B once where reading a column at a time
 * would touch one cache line per row.
 */
function panelColumns(B: Float64Array, m: number, w: number, columns: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const o = i * m;
    const top = Math.min(w, i + 1);
    for (let t = 0; t < top; t++) columns[t * m + i] = B[o + t]!;
  }
}

/**
 * Upper-triangular T of the block reflector `H_0⋯H_{w−1} = I − V·T·Vᵀ` (LAPACK dlarft, forward,
 * columnwise) from the Gram matrix VᵀV of the reflectors.
 */
function blockReflectorT(VtV: Float64Array, w: number, tau: Float64Array): Float64Array {
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
async function formQ(n: number, panels: Panel[], kernels: DenseKernels): Promise<Matrix<Float64Array>> {
  const nq = n - 1;
  let Qb = new Float64Array(Math.max(0, nq * nq));
  let scratch = new Float64Array(Math.max(0, nq * nq));
  let cur = 0;
  const widest = Math.max(0, ...panels.map((p, i) => p.width + (panels[i + 1]?.width ?? 0)));
  const room = { V: new Float64Array(nq * widest), VtQ: new Float64Array(widest * nq), Y: new Float64Array(widest * nq) };
  // Two panels at a time: one block reflector of twice the width halves the passes over Q̃.
  for (let pi = panels.length - 1; pi >= 0; pi -= 2) {
    const { order: mq, Vt, width: w, tau } = pi > 0 ? mergePanels(panels[pi - 1]!, panels[pi]!) : panels[pi]!;
    growBlock(Qb, cur, mq);
    cur = mq;
    const block = Qb.subarray(0, mq * mq);
    // Every element of these is written before it is read; the storage is reused pair to pair.
    const V = room.V.subarray(0, mq * w);
    transposeInto(Vt, w, mq, V);
    const VtV = new Float64Array(w * w);
    await kernels.gemm(Vt, V, w, mq, w, VtV);
    const T = blockReflectorT(VtV, w, tau);
    const VtQ = room.VtQ.subarray(0, w * mq);
    await kernels.gemm(Vt, block, w, mq, mq, VtQ);
    const Y = room.Y.subarray(0, w * mq);
    await kernels.gemm(T, VtQ, w, w, mq, Y);
    // Q̃ ← (I − V·T·Vᵀ)·Q̃ = Q̃ − V·Y, into the scratch buffer, which then becomes the block.
    await kernels.gemmSubtract(V, Y, block, mq, w, mq, scratch.subarray(0, mq * mq));
    [Qb, scratch] = [scratch, Qb];
  }
  const Q = new Float64Array(n * n);
  Q[0] = 1;
  for (let i = 0; i < nq; i++) Q.set(Qb.subarray(i * nq, (i + 1) * nq), (i + 1) * n + 1);
  return matrix(n, n, Q);
}

/**
 * Panels `a` and `b` (the next one, acting on the trailing block of a's) as one panel: the
 * product of their reflectors in order, `H_a·H_b`, in a's coordinates (b's rows shifted past
 * a's width), so {@link blockReflectorT} gives its compact-WY form.
 */
function mergePanels(a: Panel, b: Panel): Panel {
  const width = a.width + b.width;
  const order = a.order;
  const shift = order - b.order;
  const Vt = new Float64Array(width * order);
  Vt.set(a.Vt);
  for (let t = 0; t < b.width; t++) Vt.set(b.Vt.subarray(t * b.order, (t + 1) * b.order), (a.width + t) * order + shift);
  const tau = new Float64Array(width);
  tau.set(a.tau);
  tau.set(b.tau, a.width);
  return { order, Vt, width, tau };
}

/** Grows the active block from cur² to mq² as [[I, 0], [0, old]], moving rows backwards in place. */
function growBlock(Qb: Float64Array, cur: number, mq: number): void {
  const s = mq - cur;
  for (let i = cur - 1; i >= 0; i--) Qb.copyWithin((i + s) * mq + s, i * cur, i * cur + cur);
  for (let i = 0; i < mq; i++) {
    const o = i * mq;
    if (i < s) {
      Qb.fill(0, o, o + mq);
      Qb[o + i] = 1;
    } else {
      Qb.fill(0, o, o + s);
    }
  }
}
