import { voxelwiseError } from '@voxelwise/core';
import { FLOAT, inlineExternalData, loadOnnx, pruneGraph, valueInfo } from '@voxelwise/onnx-tools';
import type { onnx } from 'onnx-proto';

/**
 * Name of the pooling-weights input the extractor adds: `[batch, readouts, frames]` float32, one
 * row of frame weights per feature row read out of the pass (1 per window in LITcoder's exact mode).
 */
export const SPEECH_POOL_INPUT = 'voxelwise_pool';

/** Name of the pooled output of layer `i` (LITcoder numbering, `hidden_states[i + 1]`): `[batch, readouts, d]`. */
export function speechLayerOutput(i: number): string {
  return `voxelwise_speech_layer_${i}`;
}

/** The edited graph and what it needs. */
export interface SpeechGraph {
  /** Serialized ONNX model for onnxruntime. */
  readonly bytes: Uint8Array;
  /** Model input (`input_features` or `input_values`). */
  readonly input: string;
  /** Other inputs the runner must feed (e.g. an all-ones `attention_mask`). */
  readonly extraInputs: ReadonlyArray<{ readonly name: string; readonly elemType: number }>;
  /** The tensor exposed for each layer the graph outputs (0..`upToLayer`, or 0..L−1). */
  readonly sources: readonly string[];
}

type Graph = onnx.IGraphProto;

function scopeOf(i: number): RegExp {
  // `layers.{i}` as a path segment (not `conv_layers.{i}`), in torch.onnx.export node names:
  // Whisper encoder `/layers.0/self_attn/…`, wav2vec2 / HuBERT `/encoder/layers.0/attention/…`.
  return new RegExp(`(^|/)layers\\.${i}/`);
}

/** Tensors produced inside a scope and consumed outside it (or declared as graph outputs). */
function scopeOutputs(graph: Graph, scope: RegExp): string[] | undefined {
  const nodes = graph.node ?? [];
  const inside = nodes.filter((n) => scope.test(n.name ?? ''));
  if (inside.length === 0) return undefined;
  const produced = new Set(inside.flatMap((n) => n.output ?? []));
  const out = new Set<string>();
  for (const n of nodes) {
    if (scope.test(n.name ?? '')) continue;
    for (const name of n.input ?? []) if (produced.has(name)) out.add(name);
  }
  for (const o of graph.output ?? []) if (produced.has(o.name ?? '')) out.add(o.name ?? '');
  return [...out];
}

function fail(file: string, message: string, hint: string): Error {
  return voxelwiseError({ code: 'E_MODEL_UNSUPPORTED', where: 'features-speech:speech', message: `${message} in ${file}`, hint });
}

/**
 * The hidden states HF returns with `output_hidden_states=True`, `hidden_states[1..L]`: block i's
 * output, and for the last one the encoder's `last_hidden_state` (after the final LayerNorm in
 * Whisper and in pre-LN wav2vec2 / HuBERT, as HF `WhisperEncoder.forward` and
 * `Wav2Vec2EncoderStableLayerNorm.forward` append it).
 */
function findSources(graph: Graph, nLayers: number, file: string): string[] {
  const sources: string[] = [];
  for (let i = 0; i < nLayers; i++) {
    const outs = scopeOutputs(graph, scopeOf(i));
    if (!outs) {
      throw fail(
        file,
        `cannot find encoder block ${i} (no node named like "/layers.${i}/…")`,
        'Use an ONNX export made by torch.onnx.export / optimum (encoder_model.onnx for Whisper, model.onnx for wav2vec 2.0 / HuBERT).',
      );
    }
    if (outs.length !== 1)
      throw fail(file, `block ${i} has ${outs.length} outputs (${JSON.stringify(outs)})`, 'Use an unoptimized export.');
    sources.push(outs[0]!);
  }
  const declared = (graph.output ?? []).map((o) => o.name ?? '');
  if (declared.includes('last_hidden_state')) {
    sources[nLayers - 1] = 'last_hidden_state';
    return sources;
  }
  // A head on top (wav2vec2 ForCTC: logits): step through an encoder-level LayerNorm after the
  // last block when there is one (pre-LN models), otherwise the last block's output is the state.
  const last = sources[nLayers - 1]!;
  const norm = (graph.node ?? []).find(
    (n) => (n.input ?? []).includes(last) && /(^|\/)layer_norm\//.test(n.name ?? '') && !/(^|\/)layers\.\d+\//.test(n.name ?? ''),
  );
  if (norm) {
    const outs = scopeOutputs(graph, /(^|\/)(encoder\/)?layer_norm\//);
    if (outs?.length === 1) sources[nLayers - 1] = outs[0]!;
  }
  return sources;
}

/**
 * Makes a Whisper encoder accept inputs shorter than 30 s: HF `WhisperEncoder.forward` adds the
 * whole `embed_positions.weight` `[1500, d]` to the convolution output, which fixes the input at
 * 3000 frames. The table is replaced by its first `T` rows, `T` read from the tensor it is added to.
 */
function slicePositions(graph: Graph, positions: number, file: string): void {
  const pb = loadOnnx();
  const init = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const isTable = (name: string): boolean => {
    const dims = (init.get(name)?.dims ?? []).map(Number);
    return dims.length === 2 && dims[0] === positions;
  };
  const nodes = graph.node ?? [];
  const add = nodes.find((n) => n.opType === 'Add' && (n.input ?? []).some(isTable));
  if (!add) {
    throw fail(file, `no Add of a [${positions}, d] position table`, 'Use whisperInput: "padded" with this export.');
  }
  const k = (add.input ?? []).findIndex(isTable);
  const table = add.input![k]!;
  const other = add.input![1 - k]!;
  // Shape then Gather (not Shape's start/end attributes, opset 15) so older exports work too.
  const names = ['shape', 'len', 'starts', 'axes', 'pos'].map((s) => `/voxelwise/positions/${s}`);
  const [full, len, starts, axes, pos] = names as [string, string, string, string, string];
  const ints = (name: string, v: number) =>
    pb.TensorProto.create({ name, dims: [1], dataType: 7, rawData: new Uint8Array(BigInt64Array.of(BigInt(v)).buffer) });
  graph.initializer = [...(graph.initializer ?? []), ints(starts, 0), ints(axes, 0), ints(starts.replace('starts', 'one'), 1)];
  const A = pb.AttributeProto.AttributeType;
  const shape = pb.NodeProto.create({ opType: 'Shape', input: [other], output: [full], name: '/voxelwise/positions/Shape' });
  const gather = pb.NodeProto.create({
    opType: 'Gather',
    input: [full, starts.replace('starts', 'one')],
    output: [len],
    name: '/voxelwise/positions/Gather',
    attribute: [{ name: 'axis', type: A.INT, i: 0 }],
  });
  const slice = pb.NodeProto.create({
    opType: 'Slice',
    input: [table, starts, len, axes],
    output: [pos],
    name: '/voxelwise/positions/Slice',
  });
  add.input![k] = pos;
  graph.node = [...nodes.slice(0, nodes.indexOf(add)), shape, gather, slice, ...nodes.slice(nodes.indexOf(add))];
}

/**
 * Rewrites a speech encoder so that one run returns every block's output already pooled over
 * frames: adds {@link SPEECH_POOL_INPUT} `[B, K, T]` and outputs `MatMul(pool, hidden_states[i+1])`
 * `[B, K, d]` for i = 0..L−1 (LITcoder numbering), and drops what they do not need (CTC heads; with
 * `upToLayer`, every block after it). Pooling inside the graph means only `K × L × d` floats per
 * pass leave onnxruntime; K > 1 reads several windows' rows out of one pass (the readout hop).
 */
export function buildSpeechGraph(
  modelBytes: Uint8Array,
  spec: {
    nLayers: number;
    input: string;
    file: string;
    /**
     * Whisper: the number of learned positions (1500). When given, the position table is sliced
     * to the input's length, so the encoder runs on fewer than 3000 log-mel frames.
     */
    trimPositions?: number;
    /**
     * Output only layers `0..upToLayer`: the blocks after it are pruned, so a stage that reads
     * layer 3 of a 6-block encoder runs 4 blocks. Exact: the kept nodes are the same nodes.
     */
    upToLayer?: number;
  },
): SpeechGraph {
  const pb = loadOnnx();
  let model: onnx.ModelProto;
  try {
    model = pb.ModelProto.decode(modelBytes);
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_MODEL_LOAD',
      where: 'features-speech:speech',
      message: `${spec.file} is not a readable ONNX model`,
      cause,
      hint: 'Check the file is complete (re-download it).',
    });
  }
  const graph = model.graph;
  if (!graph) throw voxelwiseError({ code: 'E_MODEL_LOAD', where: 'features-speech:speech', message: `${spec.file} has no graph` });
  inlineExternalData(graph, spec.file);
  const sources = findSources(graph, spec.nLayers, spec.file);
  if (spec.trimPositions !== undefined) {
    slicePositions(graph, spec.trimPositions, spec.file);
    // The exported input is declared [batch, mel, 3000]: free its frame axis.
    const frames = graph.input?.find((i) => i.name === spec.input)?.type?.tensorType?.shape?.dim?.[2];
    if (frames) {
      frames.dimValue = null;
      frames.dimParam = 'frames';
    }
  }
  const kept = spec.upToLayer === undefined ? sources : sources.slice(0, spec.upToLayer + 1);
  const nodes = [...(graph.node ?? [])];
  const outputs = kept.map((src, i) => {
    const out = speechLayerOutput(i);
    nodes.push(pb.NodeProto.create({ opType: 'MatMul', input: [SPEECH_POOL_INPUT, src], output: [out], name: `/voxelwise/pool_${i}` }));
    return valueInfo(out, FLOAT, ['batch_size', 'readouts', 'hidden_size']);
  });
  // Keep only what the pooled outputs need.
  graph.node = nodes;
  pruneGraph(
    graph,
    outputs.map((o) => o.name ?? ''),
  );
  const inputs = [...(graph.input ?? [])];
  if (!inputs.some((i) => i.name === spec.input)) {
    throw fail(
      spec.file,
      `the model has no input "${spec.input}" (inputs: ${inputs.map((i) => i.name).join(', ')})`,
      'Check the model type in config.json.',
    );
  }
  inputs.push(valueInfo(SPEECH_POOL_INPUT, FLOAT, ['batch_size', 'readouts', 'frames']));
  graph.input = inputs;
  graph.output = outputs;
  const extraInputs = inputs
    .filter((i) => i.name !== spec.input && i.name !== SPEECH_POOL_INPUT)
    .map((i) => ({ name: i.name ?? '', elemType: i.type?.tensorType?.elemType ?? FLOAT }));
  for (const x of extraInputs) {
    if (x.name !== 'attention_mask')
      throw fail(
        spec.file,
        `unexpected model input "${x.name}"`,
        'Export the encoder alone (inputs: audio and optionally attention_mask).',
      );
  }
  return { bytes: pb.ModelProto.encode(model).finish(), input: spec.input, extraInputs, sources: kept };
}
