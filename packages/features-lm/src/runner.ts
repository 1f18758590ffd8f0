import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { voxelwiseError } from '@voxelwise/core';
import type { FeedSpec } from './feature-graph.js';
import { layerOutputName, POOL_INPUT } from './graph-names.js';
import type { ExtractionPlan, Sequence } from './plan.js';

type Ort = typeof import('onnxruntime-node');

/** What the runner needs to know about the model. */
export interface RunnerModel {
  readonly ort: Ort;
  readonly session: InferenceSession;
  readonly inputs: readonly FeedSpec[];
  /** Number of exposed layers (L + 1). */
  readonly nLayers: number;
  readonly dModel: number;
  readonly nHeads: number;
  /** Any valid token id for padding (masked out). */
  readonly padId: number;
}

/** How to batch. */
export interface RunOptions {
  /** Sequences per run; `undefined` sizes batches from `memoryBudget`. */
  readonly batchSize?: number;
  /** Bytes the activations of one run may take. */
  readonly memoryBudget: number;
  readonly signal?: AbortSignal;
  /** Called after each run with the rows finished so far. */
  readonly onProgress?: (done: { rows: number; tokens: number }) => void;
}

/**
 * Bytes of activations one sequence of `T` tokens needs at peak, with headroom: the attention
 * scores and probabilities (`2·H·T²`) and a handful of `T × 4d` and `T × d` temporaries.
 */
export function bytesPerSequence(T: number, d: number, heads: number): number {
  return 4 * (3 * heads * T * T + 16 * T * d);
}

/** Batches sequences of similar length (longest first) under a memory budget and a cap on rows. */
export function makeBatches(
  sequences: readonly Sequence[],
  d: number,
  heads: number,
  options: { batchSize?: number; memoryBudget: number },
): number[][] {
  const order = sequences.map((_, i) => i).sort((a, b) => sequences[b]!.ids.length - sequences[a]!.ids.length || a - b);
  const batches: number[][] = [];
  // Past ~8k tokens per run a CPU gains nothing from larger GEMMs; memory only grows.
  const maxTokens = 8192;
  let current: number[] = [];
  let longest = 0;
  for (const i of order) {
    const T = Math.max(longest, sequences[i]!.ids.length);
    const n = current.length + 1;
    const fits =
      options.batchSize !== undefined
        ? n <= options.batchSize
        : n * bytesPerSequence(T, d, heads) <= options.memoryBudget && n * T <= maxTokens;
    if (current.length > 0 && !fits) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(i);
    longest = Math.max(longest, sequences[i]!.ids.length);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function intTensor(ort: Ort, spec: FeedSpec, values: ArrayLike<number>, dims: number[]): OrtTensor {
  if (spec.elemType === 6) return new ort.Tensor('int32', Int32Array.from(values), dims);
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
  return new ort.Tensor('int64', out, dims);
}

function emptyPast(ort: Ort, spec: FeedSpec, B: number, model: RunnerModel): OrtTensor {
  // KV-cache inputs of decoders exported with past: [batch, heads, past_len = 0, head_dim].
  const dims = spec.dims.map((d, k) => {
    if (typeof d === 'number' && d > 0) return d;
    if (k === 0) return B;
    if (k === 1) return model.nHeads;
    if (k === spec.dims.length - 1) return model.dModel / model.nHeads;
    return 0;
  });
  const n = dims.reduce((a, b) => a * b, 1);
  if (spec.elemType === 10) return new ort.Tensor('float16', new Uint16Array(n), dims);
  return new ort.Tensor('float32', new Float32Array(n), dims);
}

/**
 * Runs a plan through the edited model and returns, per layer, a `rows × d` float32 matrix of
 * pooled vectors (rows without a target stay zero). Batches are right-padded with
 * `attention_mask = 0`; a causal model never lets a real token see the padding after it, and
 * each target reads its own row's positions, so results do not depend on batching.
 */
export async function runPlan(model: RunnerModel, plan: ExtractionPlan, options: RunOptions): Promise<Float32Array[]> {
  const { ort, session, nLayers, dModel: d } = model;
  const out = Array.from({ length: nLayers }, () => new Float32Array(plan.nRows * d));
  const batches = makeBatches(plan.sequences, d, model.nHeads, options);
  const outputNames = Array.from({ length: nLayers }, (_, i) => layerOutputName(i));
  let rowsDone = 0;
  let tokensDone = 0;
  for (const batch of batches) {
    if (options.signal?.aborted) {
      throw voxelwiseError({ code: 'E_ABORTED', where: 'features-lm:lm', message: 'feature extraction was aborted' });
    }
    const seqs = batch.map((i) => plan.sequences[i]!);
    const B = seqs.length;
    const T = Math.max(...seqs.map((s) => s.ids.length));
    const K = Math.max(...seqs.map((s) => s.targets.length));
    const ids = new Int32Array(B * T).fill(model.padId);
    const mask = new Int32Array(B * T);
    const pool = new Float32Array(B * K * T);
    seqs.forEach((s, b) => {
      ids.set(s.ids, b * T);
      mask.fill(1, b * T, b * T + s.ids.length);
      s.targets.forEach((t, k) => {
        const base = (b * K + k) * T;
        const extra = t.bos && t.from > 0 ? 1 : 0;
        const w = 1 / (t.to - t.from + 1 + extra);
        pool.fill(w, base + t.from, base + t.to + 1);
        if (extra) pool[base] = w;
      });
    });
    const feeds: Record<string, OrtTensor> = {};
    for (const spec of model.inputs) {
      if (spec.name === POOL_INPUT) feeds[spec.name] = new ort.Tensor('float32', pool, [B, K, T]);
      else if (spec.name === 'input_ids') feeds[spec.name] = intTensor(ort, spec, ids, [B, T]);
      else if (spec.name === 'attention_mask') feeds[spec.name] = intTensor(ort, spec, mask, [B, T]);
      else if (spec.name === 'position_ids') {
        const pos = new Int32Array(B * T);
        for (let b = 0; b < B; b++) for (let p = 0; p < T; p++) pos[b * T + p] = p;
        feeds[spec.name] = intTensor(ort, spec, pos, [B, T]);
      } else if (spec.name === 'use_cache_branch') feeds[spec.name] = new ort.Tensor('bool', Uint8Array.of(0), [1]);
      else if (spec.name.startsWith('past_key_values') || spec.name.startsWith('past_')) feeds[spec.name] = emptyPast(ort, spec, B, model);
      else {
        throw voxelwiseError({
          code: 'E_MODEL_UNSUPPORTED',
          where: 'features-lm:lm',
          message: `the model needs an input "${spec.name}" the extractor cannot provide`,
          hint: 'Use a decoder-only export whose inputs are input_ids, attention_mask and optionally position_ids / past_key_values.',
        });
      }
    }
    let result: InferenceSession.ReturnType;
    try {
      result = await session.run(feeds, outputNames);
    } catch (cause) {
      throw voxelwiseError({
        code: 'E_BACKEND',
        where: 'features-lm:lm',
        message: `onnxruntime failed on a batch of ${B} × ${T} tokens: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
        hint: 'Lower "batchSize" if memory ran out; otherwise the model file may not be a supported export.',
      });
    }
    for (let l = 0; l < nLayers; l++) {
      const tensor = result[outputNames[l]!]!;
      const data = tensor.data as Float32Array;
      if (tensor.dims.length !== 3 || tensor.dims[2] !== d) {
        throw voxelwiseError({
          code: 'E_MODEL_UNSUPPORTED',
          where: 'features-lm:lm',
          message: `layer ${l} has shape [${tensor.dims.join(', ')}]`,
          expected: `[${B}, ${K}, ${d}]`,
          hint: 'The residual stream found in the graph is not [batch, tokens, d_model]; this export is not supported.',
        });
      }
      seqs.forEach((s, b) => {
        s.targets.forEach((t, k) => out[l]!.set(data.subarray((b * K + k) * d, (b * K + k + 1) * d), t.row * d));
      });
      tensor.dispose?.();
    }
    for (const s of seqs) {
      rowsDone += s.targets.length;
      tokensDone += s.ids.length;
    }
    options.onProgress?.({ rows: rowsDone, tokens: tokensDone });
  }
  return out;
}
