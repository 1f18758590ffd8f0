import { availableParallelism } from 'node:os';
import { matrix, voxelwiseError } from '@voxelwise/core';
import type { DType, Matrix } from '@voxelwise/core';
import type { DenseKernels, LinalgBackend, SymmetricEigen, Tridiagonalization } from './backend.js';
import { gemm, transposeInto } from './dense.js';
import { dataAs, productPlan } from './matmul-shape.js';
import { ONNX_DOUBLE, ONNX_FLOAT, gemmSubtractModel, matmulModel } from './onnx-graph.js';
import { importOnnxRuntime, loadOnnxRuntime } from './onnx-runtime.js';
import type { OnnxRuntimeImporter } from './onnx-runtime.js';
import { tql2 } from './tridiagonal-ops.js';
import { tridiagonalizeBlocked } from './tridiagonalize.js';

/** Features per row strip of the Gram product: strips keep each product large enough for full speed. */
const GRAM_STRIP = 384;

/** Options of {@link createOnnxBackend}. */
export interface OnnxBackendOptions {
  /** Threads of onnxruntime's intra-op pool. @default os.availableParallelism() */
  threads?: number;
  /**
   * Products with fewer multiply-adds than this run in TypeScript (a session call costs
   * ~0.05–0.8 ms). @default 65536
   */
  minWork?: number;
  /** Let idle intra-op threads spin (lower latency, but they burn CPU others could use). @default false */
  spin?: boolean;
  /** How onnxruntime-node is imported. @default () => import('onnxruntime-node') */
  importRuntime?: OnnxRuntimeImporter;
}

type Session = import('onnxruntime-node').InferenceSession;

const WHERE = 'ridge:onnx-backend';

/**
 * The fast backend: every large product runs in an onnxruntime-node `MatMul` session built at
 * run time from an in-memory one-node graph (float32 for voxel-sized products, float64 for
 * the Gram matrix and the Householder reduction). onnxruntime-node, an optional peer
 * dependency, is imported here on first use, never at import time; without it this throws
 * `E_BACKEND` with the install line.
 *
 * @example
 * const backend = await createOnnxBackend({ threads: 2 });
 * const C = await backend.matmul(A, B);
 * await backend.dispose();
 */
export async function createOnnxBackend(options: OnnxBackendOptions = {}): Promise<LinalgBackend> {
  const ort = await loadOnnxRuntime(options.importRuntime ?? importOnnxRuntime, WHERE);
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const minWork = options.minWork ?? 65536;
  const spin = options.spin ?? false;
  const sessions = new Map<string, Promise<Session>>();
  const session = (dtype: DType, op: 'matmul' | 'gemm-subtract' = 'matmul'): Promise<Session> => {
    const key = `${op}:${dtype}`;
    let s = sessions.get(key);
    if (!s) {
      const elem = dtype === 'float32' ? ONNX_FLOAT : ONNX_DOUBLE;
      const bytes = op === 'matmul' ? matmulModel(elem) : gemmSubtractModel(elem);
      // No spinning: idle intra-op threads sleep instead of burning the (shared) cores.
      s = ort.InferenceSession.create(bytes, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        enableCpuMemArena: false,
        executionMode: 'sequential',
        extra: { session: { intra_op: { allow_spinning: spin ? '1' : '0' } } },
      });
      sessions.set(key, s);
    }
    return s;
  };

  /** out (m×n) = A (m×k) · B (k×n), all of `dtype`. */
  const run = async (
    dtype: DType,
    A: Float32Array | Float64Array,
    B: Float32Array | Float64Array,
    m: number,
    k: number,
    n: number,
    out: Float32Array | Float64Array,
  ): Promise<void> => {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      out.fill(0);
      return;
    }
    if (m * k * n < minWork) {
      gemm(A, B, m, k, n, out);
      return;
    }
    const s = await session(dtype);
    try {
      await s.run({ A: new ort.Tensor(dtype, A, [m, k]), B: new ort.Tensor(dtype, B, [k, n]) }, { C: new ort.Tensor(dtype, out, [m, n]) });
    } catch (cause) {
      throw voxelwiseError({
        code: 'E_BACKEND',
        where: WHERE,
        message: `onnxruntime MatMul ${m}×${k}·${k}×${n} (${dtype}) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      });
    }
  };

  const kernels: DenseKernels = {
    gemm: (A, B, m, k, n, out) => run('float64', A, B, m, k, n, out),
    async gemmSubtract(A, B, C, m, k, n, out) {
      if (m === 0 || n === 0) return;
      if (k === 0 || m * k * n < minWork) {
        gemm(A, B, m, k, n, out);
        for (let i = 0; i < m * n; i++) out[i] = C[i]! - out[i]!;
        return;
      }
      const s = await session('float64', 'gemm-subtract');
      try {
        await s.run(
          { A: new ort.Tensor('float64', A, [m, k]), B: new ort.Tensor('float64', B, [k, n]), C: new ort.Tensor('float64', C, [m, n]) },
          { Y: new ort.Tensor('float64', out, [m, n]) },
        );
      } catch (cause) {
        throw voxelwiseError({
          code: 'E_BACKEND',
          where: WHERE,
          message: `onnxruntime Gemm ${m}×${k}·${k}×${n} (float64) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause,
        });
      }
    },
  };

  return {
    name: 'onnx',
    async matmul(A, B, opts = {}) {
      const { dtype, out } = productPlan(A, B, opts, WHERE);
      await run(dtype, dataAs(A, dtype), dataAs(B, dtype), A.rows, A.cols, B.cols, out);
      return matrix(A.rows, B.cols, out);
    },
    async gram(X: Matrix): Promise<Matrix<Float64Array>> {
      // Σ over row blocks of X_bᵀ·X_b in float64 (float32 inputs are exact in float64). Only the
      // lower triangle is multiplied, in row strips [c0, c1) × columns [0, c1) (about 56 % of
      // the flops for eight strips), then mirrored: entry (j, i) is the same sum of the same
      // products in the same order as (i, j), so the matrix is what the full product gives.
      const { rows: n, cols: p } = X;
      const G = new Float64Array(p * p);
      const block = Math.max(1, Math.min(n, Math.floor((32 * 1024 * 1024) / Math.max(1, p * 8))));
      const strips = Math.max(1, Math.round(p / GRAM_STRIP));
      const part = new Float64Array(p * p);
      const cols = strips > 1 ? new Float64Array(block * p) : null;
      for (let r0 = 0; r0 < n; r0 += block) {
        const r1 = Math.min(n, r0 + block);
        const rows = r1 - r0;
        const Xb = Float64Array.from(X.data.subarray(r0 * p, r1 * p));
        const XbT = new Float64Array(rows * p);
        transposeInto(Xb, rows, p, XbT);
        if (!cols) {
          await run('float64', XbT, Xb, p, rows, p, part);
          for (let k = 0; k < G.length; k++) G[k] = G[k]! + part[k]!;
          continue;
        }
        for (let s = 0; s < strips; s++) {
          const c0 = Math.floor((s * p) / strips);
          const c1 = Math.floor(((s + 1) * p) / strips);
          // Columns [0, c1) of X_b, compacted.
          const Xc = c1 === p ? Xb : cols.subarray(0, rows * c1);
          if (c1 < p) for (let r = 0; r < rows; r++) Xc.set(Xb.subarray(r * p, r * p + c1), r * c1);
          const out = part.subarray(0, (c1 - c0) * c1);
          await run('float64', XbT.subarray(c0 * rows, c1 * rows), Xc, c1 - c0, rows, c1, out);
          for (let i = c0; i < c1; i++) {
            const g = i * p;
            const o = (i - c0) * c1;
            for (let j = 0; j <= i; j++) G[g + j] = G[g + j]! + out[o + j]!;
          }
        }
      }
      if (strips > 1) for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) G[j * p + i] = G[i * p + j]!;
      return matrix(p, p, G);
    },
    tridiagonalize(G): Promise<Tridiagonalization> {
      return tridiagonalizeBlocked(G, kernels, 64);
    },
    async eigh(G): Promise<SymmetricEigen> {
      const { d, e, Q } = await tridiagonalizeBlocked(G, kernels, 64);
      const p = G.rows;
      const ZT = new Float64Array(p * p);
      transposeInto(Q.data, p, p, ZT);
      const values = Float64Array.from(d);
      tql2(values, e, ZT);
      const vectors = new Float64Array(p * p);
      transposeInto(ZT, p, p, vectors);
      return { values, vectors: matrix(p, p, vectors) };
    },
    async dispose() {
      const all = [...sessions.values()];
      sessions.clear();
      for (const s of all) await (await s).release();
    },
  };
}
