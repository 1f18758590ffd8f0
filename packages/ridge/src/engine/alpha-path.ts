import { assertFinite, matrix, voxelwiseError } from '@voxelwise/core';
import type { DType, Matrix, StageContext } from '@voxelwise/core';
import { addInto, takeRows, toFloat32, toFloat64 } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import type { LinalgBackend } from '../linalg/backend.js';
import { checkAborted } from './abort.js';
import { scoreBatch } from './batch-scores.js';
import { scoreKernel, scoreSumsLength } from './score-kernel.js';
import type { ScoreKernel } from './score-kernel.js';
import type { FitLayout } from './fit-layout.js';
import type { Basis } from './fold-projection.js';
import type { PreparedFold } from './fold-factorisation.js';
import type { ResponseReader } from './response-reader.js';
import type { ScoreKind } from './scores.js';
import type { WeightStore } from './weight-store.js';

/** Voxel-batch scratch, reused across batches, folds and the refit so no loop allocates anything voxel-sized. */
export interface BatchWorkspace {
  /** Cross-products of the folds of a group, by place in the group (p × batch). */
  readonly cross: Map<number, Dense>;
  /** Full XᵀY of a batch (p × batch). */
  readonly XtY: Dense;
  /** A fold's training XᵀY, or the solved block of the refit (p × batch). */
  readonly D: Dense;
  /** Validation predictions of every alpha of one fold (products·nTest × batch). */
  readonly out: Dense;
  /** QᵀXᵀY, or the final weights of a batch (p × batch). */
  readonly Z: Dense;
  /** Element type of all of them. */
  readonly dtype: DType;
  /** The WebAssembly loops of the batch, whose memory holds `out`, `XtY`, `D` and `cross` (float32 fits, where WebAssembly SIMD runs). */
  readonly kernel?: ScoreKernel;
}

/**
 * Allocates a {@link BatchWorkspace} for batches of `batch` voxels and at most `maxOut` prediction
 * rows. With `scoring` (the most validation rows of a fold, the number of alphas, the most folds
 * in a group) a float32 workspace puts `out`, `XtY`, `D` and the cross-products in the memory of
 * the WebAssembly loops ({@link scoreKernel}).
 */
export function batchWorkspace(
  p: number,
  batch: number,
  maxOut: number,
  dtype: DType,
  scoring?: { maxTest: number; nAlphas: number; groupSize: number },
): BatchWorkspace {
  const alloc = (len: number): Dense => (dtype === 'float32' ? new Float32Array(len) : new Float64Array(len));
  const kernelWith = (blocks: number) =>
    dtype === 'float32' && scoring
      ? scoreKernel(maxOut * batch, scoring.maxTest * batch, scoreSumsLength(batch, scoring.nAlphas), blocks, p * batch)
      : undefined;
  // XᵀY, its difference D and each fold's cross-products in the kernel's memory too, when they fit.
  const kernel = (scoring && kernelWith(2 + scoring.groupSize)) ?? kernelWith(0);
  const [XtY, D, ...crossBlocks] = kernel?.blocks.length ? kernel.blocks : [alloc(p * batch), alloc(p * batch)];
  const cross = new Map<number, Dense>(crossBlocks.map((c, i) => [i, c]));
  const out = kernel ? kernel.out : alloc(maxOut * batch);
  return { cross, XtY: XtY!, D: D!, out, Z: alloc(p * batch), dtype, ...(kernel ? { kernel } : {}) };
}

/** `acc += x` element by element, in the kernel's WebAssembly loop when both lie in its memory. */
function addBlock(ws: BatchWorkspace, acc: Dense, x: Dense): void {
  const k = ws.kernel;
  if (k && acc instanceof Float32Array && x instanceof Float32Array && acc.buffer === k.buffer && x.buffer === k.buffer) {
    k.add(acc.byteOffset, x.byteOffset, Math.min(acc.length, x.length));
  } else {
    addInto(acc, x);
  }
}

/** `out = a − b` element by element (over out's length), in the kernel's loop when all three lie in its memory. */
function subtractBlock(ws: BatchWorkspace, out: Dense, a: Dense, b: Dense): void {
  const k = ws.kernel;
  const inKernel = (x: Dense) => k !== undefined && x instanceof Float32Array && x.buffer === k.buffer;
  if (k && inKernel(out) && inKernel(a) && inKernel(b)) {
    k.sub(out.byteOffset, a.byteOffset, b.byteOffset, out.length);
  } else {
    for (let i = 0; i < out.length; i++) out[i] = a[i]! - b[i]!;
  }
}

/** Cross-products buffer `slot` (the fold's place in its group: groups reuse them one after the other). */
function crossBuffer(ws: BatchWorkspace, p: number, batch: number, slot: number, size: number): Dense {
  let buf = ws.cross.get(slot);
  if (!buf) ws.cross.set(slot, (buf = ws.dtype === 'float32' ? new Float32Array(p * batch) : new Float64Array(p * batch)));
  return buf.subarray(0, size);
}

/** Inputs of {@link scoreAlphaPath}. */
export interface AlphaPathInputs {
  readonly reader: ResponseReader;
  readonly n: number;
  readonly p: number;
  readonly v: number;
  readonly nAlphas: number;
  readonly layout: FitLayout;
  /** Prepares fold `index` (factorisation and projection stack), called once per fold, group by group. */
  readonly prepare: (index: number) => Promise<PreparedFold>;
  /**
   * Basis of the full fit: QᵀXᵀY of each batch is written to `weights` on the first pass. Without
   * it XᵀY itself is written (a banded fit scales it per candidate before its own refit).
   */
  readonly fullBasis?: Basis;
  /** Where the first pass stores QᵀXᵀY (or XᵀY); absent when the caller needs neither. */
  readonly weights?: WeightStore;
  readonly ws: BatchWorkspace;
  readonly score: ScoreKind;
  readonly backend: LinalgBackend;
  readonly stage: string;
  readonly where: string;
}

/** What the alpha path yields. */
export interface AlphaPathScores {
  /** Sum over folds of the validation score of each alpha and voxel (nAlphas × v). */
  readonly scoreSum: Float64Array;
  /** Per fold, the sum over voxels of each alpha's score. */
  readonly foldSums: Float64Array[];
}

/**
 * Third phase of a fit: one pass over the responses per fold group. Per voxel batch it forms
 * each fold's training cross-products (full XᵀY minus the held-out rows', or the training rows'
 * own), multiplies them by the fold's projection stack to get the validation predictions of
 * every alpha at once, and reduces those to scores without storing them. On the first pass it
 * also stores QᵀXᵀY of the full fit in `weights`, for the refit.
 */
export async function scoreAlphaPath(input: AlphaPathInputs, ctx: StageContext): Promise<AlphaPathScores> {
  const { reader, n, p, v, nAlphas, layout, ws, backend, weights } = input;
  const { mem, partition, rest, restT, XT } = layout;
  const dt = ws.dtype;
  const scoreSum = new Float64Array(nAlphas * v);
  const foldSums = layout.work.map(() => new Float64Array(nAlphas));
  const progress = (done: number, message?: string) =>
    ctx.emit({ type: 'stage:progress', stage: input.stage, done, total: v, unit: 'voxels', ...(message ? { message } : {}) });

  let zDone = false;
  for (const group of mem.groups) {
    const prepared: PreparedFold[] = [];
    for (const i of group) prepared.push(await input.prepare(i));
    for (let v0 = 0; v0 < v; v0 += mem.batch) {
      const v1 = Math.min(v, v0 + mem.batch);
      const b = v1 - v0;
      const Yb = await reader.read(v0, v1);
      if (Yb.rows !== n || Yb.cols !== b) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where: input.where,
          message: `response block for voxels ${v0}–${v1} has the wrong shape`,
          got: [Yb.rows, Yb.cols],
          expected: [n, b],
        });
      }
      assertFinite(Yb, `Y (responses, voxels ${v0}–${v1 - 1})`, input.where);
      const Ydata: Dense = dt === 'float32' ? toFloat32(Yb.data) : toFloat64(Yb.data);
      const cross = new Map<number, Dense>();
      for (const [slot, f] of prepared.entries()) {
        const Yc = takeRows(Ydata, b, f.cross);
        cross.set(
          f.index,
          (await backend.matmul(f.crossT, matrix(f.cross.length, b, Yc), { dtype: dt, out: crossBuffer(ws, p, mem.batch, slot, p * b) }))
            .data,
        );
      }
      const XtY = ws.XtY.subarray(0, p * b);
      if (partition) {
        XtY.fill(0);
        for (const c of cross.values()) addBlock(ws, XtY, c);
        if (restT)
          addBlock(
            ws,
            XtY,
            (await backend.matmul(restT, matrix(rest.length, b, takeRows(Ydata, b, rest)), { dtype: dt, out: ws.D.subarray(0, p * b) }))
              .data,
          );
      } else {
        await backend.matmul(XT as Matrix, matrix(n, b, Ydata), { dtype: dt, out: XtY });
      }
      for (const f of prepared) {
        const c = cross.get(f.index)!;
        let D = c;
        if (f.subtract) {
          D = ws.D.subarray(0, p * b);
          subtractBlock(ws, D, XtY, c);
        }
        const out = (await backend.matmul(f.H, matrix(p, b, D), { dtype: dt, out: ws.out.subarray(0, f.H.rows * b) })).data;
        const Yv = takeRows(Ydata, b, f.fold.test);
        const sums = foldSums[f.index]!;
        scoreBatch(
          out,
          Yv,
          f.fold.test.length,
          b,
          f.plan,
          f.lambdas,
          f.sMax2,
          input.score,
          (a, j, s) => {
            scoreSum[a * v + v0 + j] = scoreSum[a * v + v0 + j]! + s;
            sums[a] = sums[a]! + s;
          },
          ws.kernel,
        );
      }
      if (!zDone && weights) {
        const Z = input.fullBasis
          ? (await backend.matmul(input.fullBasis.QT, matrix(p, b, XtY), { dtype: dt, out: ws.Z.subarray(0, p * b) })).data
          : XtY;
        weights.write(v0, Z);
      }
      progress(v1, mem.groups.length > 1 ? `fold group ${mem.groups.indexOf(group) + 1} of ${mem.groups.length}` : undefined);
      checkAborted(ctx, input.where);
    }
    zDone = true;
  }
  return { scoreSum, foldSums };
}
