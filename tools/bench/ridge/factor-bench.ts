/**
 * Factorisation benchmark: the blocked Householder tridiagonalisation `G = Q·T·Qᵀ` of a random
 * float64 Gram matrix (packages/ridge/src/linalg/tridiagonalize.ts) on the onnxruntime float64
 * kernels the fast backend uses, with the time of each kind of kernel call (matrix-vector
 * products of the panels, rank-2k trailing updates, products that form Q) and the TypeScript
 * loops around them, the backward error ‖G − Q·T·Qᵀ‖_F/‖G‖_F, the loss of orthogonality
 * ‖QᵀQ − I‖_F and the machine load. The machine is shared: compare figures of one run only.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/ridge/factor-bench.ts [p ...] [--threads N] [--repeat R] [--baseline REV]
 *
 * With `--baseline REV` (a git revision) the file as of REV runs first on the same matrix, then
 * today's, `--repeat` times, and the ratio new/old is printed for each pair.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import type { DenseKernels, Tridiagonalization } from '../../../packages/ridge/src/linalg/backend.js';
import { gemm } from '../../../packages/ridge/src/linalg/dense.js';
import { ONNX_DOUBLE, gemmSubtractModel, matmulModel } from '../../../packages/ridge/src/linalg/onnx-graph.js';
import { tridiagonalizeBlocked } from '../../../packages/ridge/src/linalg/tridiagonalize.js';
import { flag } from '../peers.js';

type Ort = typeof import('onnxruntime-node');

/**
 * The reduction's kernels plus the general matrix-vector product (`out = A·x`, A m × n) that
 * revisions before the symmetric product called for every column, so `--baseline` can run them.
 */
type Kernels = DenseKernels & { gemv(A: Float64Array, m: number, n: number, x: Float64Array, out: Float64Array): Promise<void> };

/** `out = A·x` in TypeScript, for products too small for a session call. */
function gemvLoop(A: Float64Array, m: number, n: number, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
    out[i] = s;
  }
}

/** The onnx backend's float64 kernels (same graphs, same session options, same size cut-off). */
async function onnxKernels(ort: Ort, threads: number): Promise<Kernels> {
  const options = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableCpuMemArena: false,
    executionMode: 'sequential' as const,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const mm = await ort.InferenceSession.create(matmulModel(ONNX_DOUBLE), options);
  const gs = await ort.InferenceSession.create(gemmSubtractModel(ONNX_DOUBLE), options);
  const minWork = 65536;
  const t = (data: Float64Array, rows: number, cols: number) => new ort.Tensor('float64', data, [rows, cols]);
  const product = async (A: Float64Array, B: Float64Array, m: number, k: number, n: number, out: Float64Array) => {
    if (m * k * n < minWork) gemm(A, B, m, k, n, out);
    else await mm.run({ A: t(A, m, k), B: t(B, k, n) }, { C: t(out, m, n) });
  };
  return {
    async gemv(A, m, n, x, out) {
      if (m * n < minWork) gemvLoop(A, m, n, x, out);
      else await mm.run({ A: t(A, m, n), B: t(x, n, 1) }, { C: t(out, m, 1) });
    },
    gemm: product,
    async gemmSubtract(A, B, C, m, k, n, out) {
      if (m * k * n < minWork) {
        gemm(A, B, m, k, n, out);
        for (let i = 0; i < m * n; i++) out[i] = C[i]! - out[i]!;
      } else await gs.run({ A: t(A, m, k), B: t(B, k, n), C: t(C, m, n) }, { Y: t(out, m, n) });
    },
  };
}

/** Seconds spent in each kernel, by name. */
type Clock = Map<string, { calls: number; s: number }>;

/** Wraps kernels so every call's wall time is added to `clock` under its name. */
function timed(kernels: Kernels, clock: Clock): Kernels {
  // The reduction calls gemmSubtract (and gemv before the symmetric product); forming Q starts
  // with the first gemm.
  let phase = 'reduce';
  const wrap =
    <A extends unknown[]>(name: string, f: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      if (name === 'gemm') phase = 'Q';
      const key = `${phase} ${name}`;
      const t0 = performance.now();
      await f(...args);
      const entry = clock.get(key) ?? { calls: 0, s: 0 };
      entry.calls++;
      entry.s += (performance.now() - t0) / 1000;
      clock.set(key, entry);
    };
  return {
    gemv: wrap('gemv', kernels.gemv),
    gemm: wrap('gemm', kernels.gemm),
    gemmSubtract: wrap('gemmSubtract', kernels.gemmSubtract),
  };
}

/** G = XᵀX with X 1.5p × p Gaussian (seeded), like a fold's Gram matrix. */
async function randomGram(p: number, seed: number, kernels: DenseKernels): Promise<Matrix<Float64Array>> {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const n = Math.ceil(1.5 * p);
  const X = new Float64Array(n * p);
  for (let i = 0; i < X.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    X[i] = r * Math.cos(a);
    if (i + 1 < X.length) X[i + 1] = r * Math.sin(a);
  }
  const XT = new Float64Array(p * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) XT[j * n + i] = X[i * p + j]!;
  const G = new Float64Array(p * p);
  await kernels.gemm(XT, X, p, n, p, G);
  return matrix(p, p, G);
}

/** ‖G − Q·T·Qᵀ‖_F/‖G‖_F and ‖QᵀQ − I‖_F, with the products on `kernels`. */
async function accuracy(
  G: Matrix<Float64Array>,
  f: Tridiagonalization,
  kernels: DenseKernels,
): Promise<{ backward: number; orthogonality: number }> {
  const p = G.rows;
  const Q = f.Q.data;
  const QT = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) QT[j * p + i] = Q[i * p + j]!;
  // Q·T by columns of Q: (QT)[:, j] = d_j Q[:, j] + e_{j−1} Q[:, j−1] + e_j Q[:, j+1].
  const QTm = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) {
      let s = f.d[j]! * Q[o + j]!;
      if (j > 0) s += f.e[j - 1]! * Q[o + j - 1]!;
      if (j + 1 < p) s += f.e[j]! * Q[o + j + 1]!;
      QTm[o + j] = s;
    }
  }
  const R = new Float64Array(p * p);
  await kernels.gemmSubtract(QTm, QT, G.data, p, p, p, R);
  let num = 0;
  let den = 0;
  for (let k = 0; k < p * p; k++) {
    num += R[k]! ** 2;
    den += G.data[k]! ** 2;
  }
  const I = new Float64Array(p * p);
  for (let i = 0; i < p; i++) I[i * p + i] = 1;
  await kernels.gemmSubtract(QT, Q, I, p, p, p, R);
  let orth = 0;
  for (let k = 0; k < p * p; k++) orth += R[k]! ** 2;
  return { backward: Math.sqrt(num / den), orthogonality: Math.sqrt(orth) };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

type Factorise = typeof tridiagonalizeBlocked;

/**
 * `tridiagonalizeBlocked` as of git revision `rev`: the whole linalg folder at `rev` (the
 * reduction and every kernel file it imports) is written under tools/bench/out/ (ignored) and
 * imported, so old and new run in one process on the same matrix and load.
 */
async function baseline(rev: string): Promise<Factorise> {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const folder = 'packages/ridge/src/linalg';
  const out = fileURLToPath(new URL(`../out/linalg-${rev.replace(/[^\w.-]/g, '_')}/`, import.meta.url));
  mkdirSync(out, { recursive: true });
  const names = execFileSync('git', ['ls-tree', '--name-only', `${rev}:${folder}`], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const name of names) writeFileSync(join(out, name), execFileSync('git', ['show', `${rev}:${folder}/${name}`], { cwd: root }));
  return ((await import(pathToFileURL(join(out, 'tridiagonalize.ts')).href)) as { tridiagonalizeBlocked: Factorise }).tridiagonalizeBlocked;
}

/** Runs one factorisation with its kernel calls timed and prints its phases and accuracy. */
async function measure(label: string, factorise: Factorise, G: Matrix<Float64Array>, kernels: Kernels): Promise<number> {
  const clock: Clock = new Map();
  const loadBefore = load();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const f = await factorise(G, timed(kernels, clock), 64);
  const total = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const inKernels = [...clock.values()].reduce((a, b) => a + b.s, 0);
  const parts = [...clock.entries()].map(([name, { calls, s }]) => `${name} ${s.toFixed(2)} s (${calls} calls)`).join(', ');
  const { backward, orthogonality } = await accuracy(G, f, kernels);
  console.log(
    `${label} p ${G.rows}: ${total.toFixed(2)} s = ${parts}${parts ? ', ' : ''}TypeScript ${(total - inKernels).toFixed(2)} s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s; ` +
      `‖G − QTQᵀ‖/‖G‖ ${backward.toExponential(2)}, ‖QᵀQ − I‖ ${orthogonality.toExponential(2)}; load ${loadBefore} → ${load()}`,
  );
  return total;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const threads = Number(flag(argv, '--threads') ?? availableParallelism());
  const repeat = Number(flag(argv, '--repeat') ?? 1);
  const rev = flag(argv, '--baseline');
  const sizes = argv.filter((a, i) => /^\d+$/.test(a) && !argv[i - 1]?.startsWith('--')).map(Number);
  const ort = (await import('onnxruntime-node')) as unknown as Ort;
  const kernels = await onnxKernels(ort, threads);
  const old = rev ? await baseline(rev) : undefined;
  console.log(`factor-bench: onnxruntime float64 kernels, ${threads} threads${rev ? `, baseline ${rev}` : ''}; load ${load()}`);
  for (const p of sizes.length > 0 ? sizes : [1024, 3072]) {
    const G = await randomGram(p, p, kernels);
    const warm = await randomGram(128, 1, kernels);
    await tridiagonalizeBlocked(warm, kernels, 64); // JIT and sessions
    if (old) await old(warm, kernels, 64);
    for (let r = 0; r < repeat; r++) {
      const before = old ? await measure('old', old, G, kernels) : undefined;
      const now = await measure(old ? 'new' : 'now', tridiagonalizeBlocked, G, kernels);
      if (before !== undefined) console.log(`p ${p}: new/old ${(now / before).toFixed(2)}`);
    }
  }
}

await main();
