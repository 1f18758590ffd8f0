import { voxelwiseError } from '@voxelwise/core';
import type { onnx } from 'onnx-proto';
import { FLOAT, inlineExternalData, int64, loadOnnx, pruneGraph, valueInfo } from '@voxelwise/onnx-tools';
import { layerOutputName, POOL_INPUT } from './graph-names.js';

export { layerOutputName, POOL_INPUT };

/** Architectures whose residual stream the extractor can expose. */
export const SUPPORTED_ARCHITECTURES = ['gpt2', 'opt', 'gpt_neox'] as const;

/** One of {@link SUPPORTED_ARCHITECTURES} (HF `config.model_type`). */
export type Architecture = (typeof SUPPORTED_ARCHITECTURES)[number];

/**
 * Where block i's input and the final residual stream live in a `torch.onnx.export` graph: the
 * tensor that enters block i's first LayerNorm scope (pre-LN blocks read the residual stream
 * there first), and the tensor that enters the final LayerNorm.
 */
const SCOPES: Record<Architecture, { block: (i: number) => RegExp; final: RegExp }> = {
  // HF GPT2Model: transformer.h.{i}.ln_1, transformer.ln_f
  gpt2: { block: (i) => new RegExp(`(^|[/.])h\\.${i}[/.]ln_1[/.]`), final: /(^|[/.])ln_f[/.]/ },
  // HF OPTModel (do_layer_norm_before=True): decoder.layers.{i}.self_attn_layer_norm, decoder.final_layer_norm
  // (each OPT layer also has a `final_layer_norm`, so the last one is matched under `decoder`)
  opt: { block: (i) => new RegExp(`(^|[/.])layers\\.${i}[/.]self_attn_layer_norm[/.]`), final: /(^|[/.])decoder[/.]final_layer_norm[/.]/ },
  // HF GPTNeoXModel: gpt_neox.layers.{i}.input_layernorm, gpt_neox.final_layer_norm
  gpt_neox: { block: (i) => new RegExp(`(^|[/.])layers\\.${i}[/.]input_layernorm[/.]`), final: /(^|[/.])final_layer_norm[/.]/ },
};

/** A graph input the runner must feed. */
export interface FeedSpec {
  readonly name: string;
  /** ONNX element type (1 float, 6 int32, 7 int64, 9 bool). */
  readonly elemType: number;
  /** Declared dims (number, or a symbolic name). */
  readonly dims: ReadonlyArray<number | string>;
}

/** The edited graph and what it needs. */
export interface FeatureGraph {
  /** Serialized ONNX model to hand to onnxruntime. */
  readonly bytes: Uint8Array;
  /** Inputs of the edited graph, in order (the pooling input included). */
  readonly inputs: readonly FeedSpec[];
  /** The residual-stream tensor exposed for each layer 0..L. */
  readonly sources: readonly string[];
  /** How the tensors were found: `scopes` (node names) or `hidden_states` (declared outputs). */
  readonly method: 'scopes' | 'hidden_states';
}

/** What {@link buildFeatureGraph} needs to know about the model. */
export interface FeatureGraphSpec {
  readonly architecture: string;
  readonly nLayers: number;
  /** The model file (for messages and external data). */
  readonly file: string;
  /**
   * Expose only layers `0..upToLayer` (blocks after it are dropped with the LM head): a web
   * export that reads one layer ships and runs no more of the model than it needs.
   */
  readonly upToLayer?: number;
}

type Graph = onnx.IGraphProto;

/** The tensor entering a scope: consumed by nodes in it, produced outside it, not a weight or constant. */
function scopeInput(graph: Graph, scope: RegExp, initializers: Set<string>, constants: Set<string>): string[] | undefined {
  const inScope = (graph.node ?? []).filter((n) => scope.test(n.name ?? ''));
  if (inScope.length === 0) return undefined;
  const produced = new Set(inScope.flatMap((n) => n.output ?? []));
  const external = new Set<string>();
  for (const n of inScope) {
    for (const name of n.input ?? []) {
      if (name && !produced.has(name) && !initializers.has(name) && !constants.has(name)) external.add(name);
    }
  }
  return [...external];
}

function unsupported(spec: FeatureGraphSpec, message: string, hint: string): Error {
  return voxelwiseError({
    code: 'E_MODEL_UNSUPPORTED',
    where: 'features-lm:lm',
    message: `${message} in ${spec.file} (architecture "${spec.architecture}")`,
    hint,
  });
}

function findSources(graph: Graph, spec: FeatureGraphSpec): { sources: string[]; method: FeatureGraph['method'] } {
  const L = spec.nLayers;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const constants = new Set((graph.node ?? []).filter((n) => n.opType === 'Constant').flatMap((n) => n.output ?? []));
  const rules = (SCOPES as Record<string, (typeof SCOPES)[Architecture] | undefined>)[spec.architecture];
  if (rules) {
    const found: Array<string[] | undefined> = [];
    for (let i = 0; i < L; i++) found.push(scopeInput(graph, rules.block(i), initializers, constants));
    found.push(scopeInput(graph, rules.final, initializers, constants));
    if (found.every((f) => f !== undefined)) {
      const bad = found.findIndex((f) => f!.length !== 1);
      if (bad >= 0) {
        throw unsupported(
          spec,
          `the residual stream entering ${bad < L ? `block ${bad}` : 'the final LayerNorm'} is ambiguous (candidates ${JSON.stringify(found[bad])})`,
          'Export the model with torch.onnx.export (TorchScript exporter) without fusing LayerNorm, or open an issue with the model id.',
        );
      }
      return { sources: found.map((f) => f![0]!), method: 'scopes' };
    }
  }
  // Fallback: exports that declare hidden_states.{i}; the last one is after the final LayerNorm
  // (HF convention), so step back through it to the residual stream.
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const byOutput = new Map<string, onnx.INodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) byOutput.set(o, n);
  if (Array.from({ length: L + 1 }, (_, i) => `hidden_states.${i}`).every((n) => outputs.has(n))) {
    const resolve = (name: string): string => {
      let cur = name;
      for (let guard = 0; guard < 8; guard++) {
        const p = byOutput.get(cur);
        if (p?.opType !== 'Identity') return cur;
        cur = p.input?.[0] ?? cur;
      }
      return cur;
    };
    const sources = Array.from({ length: L }, (_, i) => resolve(`hidden_states.${i}`));
    const lastNode = byOutput.get(resolve(`hidden_states.${L}`));
    if (lastNode?.opType === 'LayerNormalization' && lastNode.input?.[0]) {
      sources.push(lastNode.input[0]);
      return { sources, method: 'hidden_states' };
    }
  }
  if (!rules) {
    throw unsupported(spec, 'unsupported architecture', `Supported: ${SUPPORTED_ARCHITECTURES.join(', ')} (HF config.model_type).`);
  }
  throw unsupported(
    spec,
    'cannot find the block boundaries (no node scopes like "/h.0/ln_1/" and no hidden_states.* outputs)',
    'Use an ONNX export made by torch.onnx.export / optimum (not an optimized or merged-decoder file), e.g. onnx/model.onnx or onnx/decoder_model.onnx.',
  );
}

/**
 * Rewrites an ONNX language model so that one run returns every layer's residual stream,
 * already pooled: finds the tensor at each block boundary (layer i = input of block i, layer 0 =
 * embeddings, layer L = output of the last block before the final LayerNorm; TransformerLens
 * `blocks.{i}.hook_resid_pre`), adds an input {@link POOL_INPUT} `[B, K, T]` and outputs
 * `MatMul(pool, resid_i)` `[B, K, d]`, and drops everything the new outputs do not need (the LM
 * head, KV-cache outputs), so the run does no wasted work.
 */
export function buildFeatureGraph(modelBytes: Uint8Array, spec: FeatureGraphSpec): FeatureGraph {
  const pb = loadOnnx();
  let model: onnx.ModelProto;
  try {
    model = pb.ModelProto.decode(modelBytes);
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_MODEL_LOAD',
      where: 'features-lm:lm',
      message: `${spec.file} is not a readable ONNX model`,
      cause,
      hint: 'Check the file is complete (re-download it) and is an .onnx model.',
    });
  }
  const graph = model.graph;
  if (!graph) throw voxelwiseError({ code: 'E_MODEL_LOAD', where: 'features-lm:lm', message: `${spec.file} has no graph` });
  inlineExternalData(graph, spec.file);
  const found = findSources(graph, spec);
  const method = found.method;
  const sources = spec.upToLayer === undefined ? found.sources : found.sources.slice(0, spec.upToLayer + 1);

  const nodes = [...(graph.node ?? [])];
  const outputs: onnx.IValueInfoProto[] = [];
  sources.forEach((src, i) => {
    const out = layerOutputName(i);
    nodes.push(pb.NodeProto.create({ opType: 'MatMul', input: [POOL_INPUT, src], output: [out], name: `/voxelwise/pool_${i}` }));
    outputs.push(valueInfo(out, FLOAT, ['batch_size', 'targets', 'hidden_size']));
  });

  // Keep only what the pooled outputs need.
  graph.node = nodes;
  pruneGraph(
    graph,
    outputs.map((o) => o.name ?? ''),
  );
  const inputs = [...(graph.input ?? [])];
  inputs.push(valueInfo(POOL_INPUT, FLOAT, ['batch_size', 'targets', 'sequence_length']));
  graph.input = inputs;
  graph.output = outputs;

  const bytes = pb.ModelProto.encode(model).finish();
  const feeds: FeedSpec[] = inputs.map((i) => ({
    name: i.name ?? '',
    elemType: i.type?.tensorType?.elemType ?? FLOAT,
    dims: (i.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimParam ? d.dimParam : int64(d.dimValue as number | { toNumber(): number } | null),
    ),
  }));
  return { bytes, inputs: feeds, sources, method };
}
