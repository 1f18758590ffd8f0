import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { writeFileAtomic } from '@voxelwise/io';
import { GPT2_EOT_ID, writeGpt2Tokenizer } from './gpt2-tokenizer.js';
import { FLOAT, GraphBuilder, INT64, loadOnnx, valueInfo } from '@voxelwise/onnx-tools';

/** Options of {@link createTinyGpt2}. */
export interface TinyGpt2Options {
  /** Seed of the weights. @default 0 */
  seed?: number;
  /** Number of transformer blocks. @default 2 */
  layers?: number;
  /** Width of the residual stream. @default 64 */
  dModel?: number;
  /** Attention heads (must divide `dModel`). @default 4 */
  heads?: number;
  /** Maximum sequence length (position embeddings). @default 128 */
  positions?: number;
  /**
   * Declare `hidden_states.0 … hidden_states.L` and `last_hidden_state` as graph outputs, as
   * transformers.js-ready exports do (the last one after `ln_f`, HF convention). With `false`
   * the graph outputs only `logits`, like a plain `torch.onnx.export`; the extractor adds the
   * block-boundary tensors itself either way. @default true
   */
  hiddenStateOutputs?: boolean;
}

/** The `config.json` of a GPT-2 model (the fields voxelwise reads). */
export interface Gpt2Config {
  model_type: 'gpt2';
  architectures: string[];
  vocab_size: number;
  n_positions: number;
  n_ctx: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  bos_token_id: number;
  eos_token_id: number;
  activation_function: 'gelu_new';
  layer_norm_epsilon: number;
}

/** What {@link createTinyGpt2} wrote. */
export interface TinyGpt2Model {
  /** The model folder: `config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx`. */
  readonly dir: string;
  readonly modelFile: string;
  readonly config: Gpt2Config;
  /** Size of `onnx/model.onnx` in bytes. */
  readonly bytes: number;
}

/** mulberry32: a tiny, fast, seedable 32-bit generator (exact integer arithmetic, so weights are identical on every machine). */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform weights with standard deviation `std` (uniform on ±std·√3: no transcendental functions, so bit-reproducible). */
function uniform(next: () => number, n: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  const a = (std * Math.sqrt(3) * 2) / 4294967296;
  const b = mean - std * Math.sqrt(3);
  for (let i = 0; i < n; i++) out[i] = next() * a + b;
  return out;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'features-lm:tiny-gpt2',
      message: `option "${name}" must be a positive integer`,
      got: value,
    });
  }
  return value;
}

/**
 * Builds a GPT-2-architecture ONNX model with seeded random weights and the real GPT-2 BPE
 * tokenizer, fully offline, into `dir` (a folder transformers.js and the `lm` extractor load
 * like a hub model). The graph follows HF `GPT2Model` (learned positions, pre-LN blocks,
 * `gelu_new`, tied LM head) and names its nodes as `torch.onnx.export` does. A 2-layer, d = 64
 * model takes about a second and 13 MB (most of it the 50,257-token embedding); a
 * GPT-2-small-sized one (12 layers, d = 768) about 500 MB.
 *
 * @example
 * const model = await createTinyGpt2('/tmp/tiny-gpt2', { seed: 1, layers: 2, dModel: 64, heads: 4, positions: 128 });
 * // then: lmFeatures() stage with { model: model.dir, layer: 1 }
 */
export async function createTinyGpt2(dir: string, options: TinyGpt2Options = {}): Promise<TinyGpt2Model> {
  const L = positiveInt(options.layers ?? 2, 'layers');
  const D = positiveInt(options.dModel ?? 64, 'dModel');
  const H = positiveInt(options.heads ?? 4, 'heads');
  const P = positiveInt(options.positions ?? 128, 'positions');
  if (D % H !== 0) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'features-lm:tiny-gpt2',
      message: 'option "heads" must divide "dModel"',
      got: { dModel: D, heads: H },
    });
  }
  const V = GPT2_EOT_ID + 1;
  const HD = D / H;
  const next = mulberry32(options.seed ?? 0);
  const pb = loadOnnx();
  const g = new GraphBuilder(pb);

  // Initialisation scales follow GPT-2 (std 0.02; residual projections 0.02/√(2L)).
  const wte = g.floats('transformer.wte.weight', [V, D], uniform(next, V * D, 0.02));
  const wpe = g.floats('transformer.wpe.weight', [P, D], uniform(next, P * D, 0.01));
  const c0 = g.ints('/transformer/c0', [0], []);
  const c1 = g.ints('/transformer/c1', [1], []);
  const axes0 = g.ints('/transformer/axes0', [0]);
  const axes01 = g.ints('/transformer/axes01', [0, 1]);
  const axes12 = g.ints('/transformer/axes12', [1, 2]);
  const one = g.floats('/transformer/one', [], Float32Array.of(1));
  const big = g.floats('/transformer/big', [], Float32Array.of(1e9));
  const half = g.floats('/transformer/half', [], Float32Array.of(0.5));
  const three = g.floats('/transformer/three', [], Float32Array.of(3));
  const geluA = g.floats('/transformer/gelu_a', [], Float32Array.of(0.044715));
  const geluB = g.floats('/transformer/gelu_b', [], Float32Array.of(Math.sqrt(2 / Math.PI)));
  const scale = g.floats('/transformer/scale', [], Float32Array.of(1 / Math.sqrt(HD)));
  const split3 = g.ints('/transformer/split3', [D, D, D]);
  const shpHeads = g.ints('/transformer/shape_heads', [0, 0, H, HD]);
  const shpMerge = g.ints('/transformer/shape_merge', [0, 0, D]);
  const shp2d = g.ints('/transformer/shape_2d', [-1, D]);
  const vocabDim = g.ints('/transformer/vocab_dim', [V]);

  const S = '/transformer';
  const shape = g.node(S, 'Shape', ['input_ids']);
  const T = g.node(S, 'Gather', [shape, c1], { axis: 0 });
  const positions = g.node(S, 'Range', [c0, T, c1]);
  const tok = g.node(`${S}/wte`, 'Gather', [wte, 'input_ids'], { axis: 0 });
  const pos = g.node(`${S}/wpe`, 'Gather', [wpe, positions], { axis: 0 });
  let x = g.node(S, 'Add', [tok, pos]);

  // Additive attention bias: 0 where key j ≤ query i and attention_mask[j] = 1, else −1e9.
  const tt = g.node(S, 'Concat', [g.node(S, 'Unsqueeze', [T, axes0]), g.node(S, 'Unsqueeze', [T, axes0])], { axis: 0 });
  const ones = g.node(S, 'ConstantOfShape', [tt], { value: { tensor: g.tensor([1], [1]) } });
  const causal = g.node(S, 'Unsqueeze', [g.node(S, 'Trilu', [ones, c0], { upper: 0 }), axes01]);
  const keyMask = g.node(S, 'Cast', [g.node(S, 'Unsqueeze', ['attention_mask', axes12])], { to: FLOAT });
  const bias = g.node(S, 'Mul', [g.node(S, 'Sub', [g.node(S, 'Mul', [causal, keyMask]), one]), big]);

  const layerNorm = (scope: string, inp: string, name: string) =>
    g.node(
      scope,
      'LayerNormalization',
      [inp, g.floats(`${name}.weight`, [D], uniform(next, D, 0.1, 1)), g.floats(`${name}.bias`, [D], uniform(next, D, 0.02))],
      { axis: -1, epsilon: { float: 1e-5 } },
    );
  const linear = (scope: string, inp: string, name: string, din: number, dout: number, std: number) =>
    g.node(scope, 'Add', [
      g.node(scope, 'MatMul', [inp, g.floats(`${name}.weight`, [din, dout], uniform(next, din * dout, std))]),
      g.floats(`${name}.bias`, [dout], uniform(next, dout, 0.02)),
    ]);

  const hidden: string[] = [x];
  const projStd = 0.02 / Math.sqrt(2 * L);
  for (let l = 0; l < L; l++) {
    const B = `${S}/h.${l}`;
    const P0 = `transformer.h.${l}`;
    const ln1 = layerNorm(`${B}/ln_1`, x, `${P0}.ln_1`);
    const qkv = linear(`${B}/attn/c_attn`, ln1, `${P0}.attn.c_attn`, D, 3 * D, 0.02);
    const [q, k, v] = g.nodeN(`${B}/attn`, 'Split', [qkv, split3], 3, { axis: 2 }) as [string, string, string];
    const heads = (t: string, perm: number[]) =>
      g.node(`${B}/attn`, 'Transpose', [g.node(`${B}/attn`, 'Reshape', [t, shpHeads])], { perm });
    const scores = g.node(`${B}/attn`, 'Add', [
      g.node(`${B}/attn`, 'Mul', [g.node(`${B}/attn`, 'MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]), scale]),
      bias,
    ]);
    const att = g.node(`${B}/attn`, 'Softmax', [scores], { axis: -1 });
    const merged = g.node(`${B}/attn`, 'Reshape', [
      g.node(`${B}/attn`, 'Transpose', [g.node(`${B}/attn`, 'MatMul', [att, heads(v, [0, 2, 1, 3])])], { perm: [0, 2, 1, 3] }),
      shpMerge,
    ]);
    x = g.node(B, 'Add', [x, linear(`${B}/attn/c_proj`, merged, `${P0}.attn.c_proj`, D, D, projStd)]);
    const f = linear(`${B}/mlp/c_fc`, layerNorm(`${B}/ln_2`, x, `${P0}.ln_2`), `${P0}.mlp.c_fc`, D, 4 * D, 0.02);
    // gelu_new (HF GPT-2): 0.5·f·(1 + tanh(√(2/π)·(f + 0.044715·f³)))
    const M = `${B}/mlp/act`;
    const inner = g.node(M, 'Mul', [g.node(M, 'Add', [f, g.node(M, 'Mul', [g.node(M, 'Pow', [f, three]), geluA])]), geluB]);
    const act = g.node(M, 'Mul', [g.node(M, 'Mul', [f, half]), g.node(M, 'Add', [g.node(M, 'Tanh', [inner]), one])]);
    x = g.node(B, 'Add', [x, linear(`${B}/mlp/c_proj`, act, `${P0}.mlp.c_proj`, 4 * D, D, projStd)]);
    hidden.push(x);
  }
  const last = layerNorm(`${S}/ln_f`, x, 'transformer.ln_f');
  const logits = g.node('/lm_head', 'Reshape', [
    g.node('/lm_head', 'Gemm', [g.node('/lm_head', 'Reshape', [last, shp2d]), wte], { transB: 1 }),
    g.node('/lm_head', 'Concat', [shape, vocabDim], { axis: 0 }),
  ]);

  const outputs = [valueInfo('logits', FLOAT, ['batch_size', 'sequence_length', V])];
  g.output(logits, 'logits');
  if (options.hiddenStateOutputs ?? true) {
    // HF convention: hidden_states[L] is the final state *after* ln_f.
    const states = [...hidden.slice(0, L), last];
    g.output(last, 'last_hidden_state');
    outputs.push(valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', D]));
    states.forEach((s, i) => {
      g.output(s, `hidden_states.${i}`);
      outputs.push(valueInfo(`hidden_states.${i}`, FLOAT, ['batch_size', 'sequence_length', D]));
    });
  }
  const graph = pb.GraphProto.create({
    name: 'tiny_gpt2',
    node: g.nodes,
    initializer: g.initializers,
    input: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
    ],
    output: outputs,
  });
  const model = pb.ModelProto.create({
    irVersion: 8,
    producerName: 'voxelwise-tiny-gpt2',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
  });
  const bytes = pb.ModelProto.encode(model).finish();

  const config: Gpt2Config = {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: V,
    n_positions: P,
    n_ctx: P,
    n_embd: D,
    n_layer: L,
    n_head: H,
    bos_token_id: GPT2_EOT_ID,
    eos_token_id: GPT2_EOT_ID,
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
  };
  await fsp.mkdir(path.join(dir, 'onnx'), { recursive: true });
  await writeGpt2Tokenizer(dir);
  await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const modelFile = path.join(dir, 'onnx', 'model.onnx');
  await writeFileAtomic(modelFile, bytes);
  return { dir, modelFile, config, bytes: bytes.byteLength };
}
