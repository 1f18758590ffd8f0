import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { createRng, voxelwiseError } from '@voxelwise/core';
import type { Rng } from '@voxelwise/core';
import { writeFileAtomic } from '@voxelwise/io';
import { FLOAT, GraphBuilder, loadOnnx, valueInfo } from '@voxelwise/onnx-tools';

/** Options of {@link createTinyWhisperEncoder} and {@link createTinyWav2vec2}. */
export interface TinySpeechOptions {
  /** Seed of the weights. @default 0 */
  seed?: number;
  /** Encoder blocks. @default 2 */
  layers?: number;
  /** Width of the hidden states. @default 32 */
  dModel?: number;
  /** Attention heads (must divide `dModel`). @default 4 */
  heads?: number;
  /** Width of the feed-forward layer. @default 2 × dModel */
  ffn?: number;
}

/** What a tiny-model builder wrote. */
export interface TinySpeechModel {
  /** The model folder: `config.json`, `preprocessor_config.json`, `onnx/…`. */
  readonly dir: string;
  readonly modelFile: string;
  readonly config: Record<string, unknown>;
  /** Size of the ONNX file in bytes. */
  readonly bytes: number;
}

/** Whisper's audio front end (HF `WhisperFeatureExtractor` defaults of every released checkpoint). */
export const WHISPER_PREPROCESSOR = {
  feature_extractor_type: 'WhisperFeatureExtractor',
  feature_size: 80,
  sampling_rate: 16000,
  hop_length: 160,
  n_fft: 400,
  chunk_length: 30,
  n_samples: 480000,
  nb_max_frames: 3000,
  padding_side: 'right',
  padding_value: 0.0,
  return_attention_mask: false,
} as const;

/** wav2vec 2.0 base's front end (HF `Wav2Vec2FeatureExtractor`, facebook/wav2vec2-base). */
export const WAV2VEC2_PREPROCESSOR = {
  feature_extractor_type: 'Wav2Vec2FeatureExtractor',
  feature_size: 1,
  sampling_rate: 16000,
  padding_side: 'right',
  padding_value: 0.0,
  do_normalize: true,
  return_attention_mask: false,
} as const;

function sizes(options: TinySpeechOptions, where: string): { L: number; D: number; H: number; F: number; seed: number } {
  const L = options.layers ?? 2;
  const D = options.dModel ?? 32;
  const H = options.heads ?? 4;
  const F = options.ffn ?? 2 * D;
  for (const [name, v] of Object.entries({ layers: L, dModel: D, heads: H, ffn: F })) {
    if (!Number.isInteger(v) || v < 1) {
      throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where, message: `option "${name}" must be a positive integer`, got: v });
    }
  }
  if (D % H !== 0) throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where, message: `"heads" (${H}) must divide "dModel" (${D})` });
  return { L, D, H, F, seed: options.seed ?? 0 };
}

/** Uniform weights with standard deviation `std` (uniform on ±std·√3). */
function uniform(rng: Rng, n: number, std: number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  const h = std * Math.sqrt(3);
  for (let i = 0; i < n; i++) out[i] = mean + (2 * rng.next() - 1) * h;
  return out;
}

/** Layer helpers shared by both architectures; node scopes follow `torch.onnx.export`. */
function layers(g: GraphBuilder, rng: Rng, D: number, H: number) {
  const hd = D / H;
  const half = g.floats('voxelwise.half', [], Float32Array.of(0.5));
  const one = g.floats('voxelwise.one', [], Float32Array.of(1));
  const rsqrt2 = g.floats('voxelwise.rsqrt2', [], Float32Array.of(Math.SQRT1_2));
  const scale = g.floats('voxelwise.scale', [], Float32Array.of(1 / Math.sqrt(hd)));
  const split = g.ints('voxelwise.split_heads', [0, 0, H, hd]);
  const merge = g.ints('voxelwise.merge_heads', [0, 0, D]);
  /** Exact GELU, 0.5·x·(1 + erf(x/√2)) (HF `ACT2FN["gelu"]`). */
  const gelu = (scope: string, x: string): string =>
    g.node(scope, 'Mul', [
      g.node(scope, 'Mul', [x, half]),
      g.node(scope, 'Add', [g.node(scope, 'Erf', [g.node(scope, 'Mul', [x, rsqrt2])]), one]),
    ]);
  /** `x·W + b`; W is stored `[in, out]` under `<name>.weight`. */
  const linear = (scope: string, x: string, name: string, nIn: number, nOut: number, bias = true): string => {
    const w = g.floats(`${name}.weight`, [nIn, nOut], uniform(rng, nIn * nOut, 1 / Math.sqrt(nIn)));
    const y = g.node(scope, 'MatMul', [x, w]);
    return bias ? g.node(scope, 'Add', [y, g.floats(`${name}.bias`, [nOut], uniform(rng, nOut, 0.02))]) : y;
  };
  const layerNorm = (scope: string, x: string, name: string, n: number): string =>
    g.node(
      scope,
      'LayerNormalization',
      [x, g.floats(`${name}.weight`, [n], uniform(rng, n, 0.1, 1)), g.floats(`${name}.bias`, [n], uniform(rng, n, 0.02))],
      { axis: -1, epsilon: { float: 1e-5 } },
    );
  /** Multi-head self-attention (HF `WhisperAttention` / `Wav2Vec2Attention`, no mask). */
  const attention = (scope: string, x: string, name: string, kBias: boolean): string => {
    const q = linear(`${scope}/q_proj`, x, `${name}.q_proj`, D, D);
    const k = linear(`${scope}/k_proj`, x, `${name}.k_proj`, D, D, kBias);
    const v = linear(`${scope}/v_proj`, x, `${name}.v_proj`, D, D);
    const heads = (t: string, perm: number[]): string => g.node(scope, 'Transpose', [g.node(scope, 'Reshape', [t, split])], { perm });
    const scores = g.node(scope, 'Mul', [g.node(scope, 'MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]), scale]);
    const att = g.node(scope, 'Softmax', [scores], { axis: -1 });
    const ctx = g.node(scope, 'Transpose', [g.node(scope, 'MatMul', [att, heads(v, [0, 2, 1, 3])])], { perm: [0, 2, 1, 3] });
    return linear(`${scope}/out_proj`, g.node(scope, 'Reshape', [ctx, merge]), `${name}.out_proj`, D, D);
  };
  return { gelu, linear, layerNorm, attention };
}

async function writeModel(
  dir: string,
  file: string,
  g: GraphBuilder,
  input: ReturnType<typeof valueInfo>,
  last: string,
  D: number,
  config: Record<string, unknown>,
  preprocessor: Record<string, unknown>,
): Promise<TinySpeechModel> {
  const pb = loadOnnx();
  g.output(last, 'last_hidden_state');
  const graph = pb.GraphProto.create({
    name: String(config['model_type']),
    node: g.nodes,
    initializer: g.initializers,
    input: [input],
    output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'frames', D])],
  });
  const model = pb.ModelProto.create({
    irVersion: 8,
    producerName: 'voxelwise-tiny-speech',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
  });
  const bytes = pb.ModelProto.encode(model).finish();
  const modelFile = path.join(dir, file);
  await fsp.mkdir(path.dirname(modelFile), { recursive: true });
  await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'preprocessor_config.json'), `${JSON.stringify(preprocessor, null, 2)}\n`);
  await writeFileAtomic(modelFile, bytes);
  return { dir, modelFile, config, bytes: bytes.byteLength };
}

/**
 * Writes a Whisper encoder with seeded random weights into `dir`, laid out like a transformers.js
 * Whisper folder (`onnx/encoder_model.onnx`, `config.json`, `preprocessor_config.json`). Same
 * architecture as HF `WhisperEncoder` (Radford et al. 2022): two convolutions (the second with
 * stride 2) with GELU over 80 log-mel bins × 3000 frames, 1500 learned positions, pre-LN blocks,
 * a final LayerNorm. Weight matrices are stored `[in, out]` under their HF names.
 */
export async function createTinyWhisperEncoder(dir: string, options: TinySpeechOptions = {}): Promise<TinySpeechModel> {
  const { L, D, H, F, seed } = sizes(options, 'features-speech:tiny-whisper');
  const M = WHISPER_PREPROCESSOR.feature_size;
  const P = WHISPER_PREPROCESSOR.nb_max_frames / 2;
  const rng = createRng(seed);
  const g = new GraphBuilder(loadOnnx());
  const { gelu, linear, layerNorm, attention } = layers(g, rng, D, H);
  const conv = (scope: string, x: string, name: string, cin: number, stride: number): string =>
    g.node(
      scope,
      'Conv',
      [
        x,
        g.floats(`${name}.weight`, [D, cin, 3], uniform(rng, D * cin * 3, 1 / Math.sqrt(cin * 3))),
        g.floats(`${name}.bias`, [D], uniform(rng, D, 0.02)),
      ],
      { kernel_shape: [3], pads: [1, 1], strides: [stride] },
    );
  let x = gelu('/conv1_act', conv('/conv1', 'input_features', 'conv1', M, 1));
  x = gelu('/conv2_act', conv('/conv2', x, 'conv2', D, 2));
  x = g.node('', 'Transpose', [x], { perm: [0, 2, 1] });
  x = g.node('', 'Add', [x, g.floats('embed_positions.weight', [P, D], uniform(rng, P * D, 0.1))]);
  for (let i = 0; i < L; i++) {
    const S = `/layers.${i}`;
    const N = `layers.${i}`;
    x = g.node(S, 'Add', [
      x,
      attention(`${S}/self_attn`, layerNorm(`${S}/self_attn_layer_norm`, x, `${N}.self_attn_layer_norm`, D), `${N}.self_attn`, false),
    ]);
    const h = gelu(
      `${S}/activation_fn`,
      linear(`${S}/fc1`, layerNorm(`${S}/final_layer_norm`, x, `${N}.final_layer_norm`, D), `${N}.fc1`, D, F),
    );
    x = g.node(S, 'Add', [x, linear(`${S}/fc2`, h, `${N}.fc2`, F, D)]);
  }
  const last = layerNorm('/layer_norm', x, 'layer_norm', D);
  const config = {
    model_type: 'whisper',
    architectures: ['WhisperForConditionalGeneration'],
    d_model: D,
    encoder_layers: L,
    encoder_attention_heads: H,
    encoder_ffn_dim: F,
    num_mel_bins: M,
    max_source_positions: P,
    activation_function: 'gelu',
  };
  const input = valueInfo('input_features', FLOAT, ['batch_size', M, WHISPER_PREPROCESSOR.nb_max_frames]);
  return writeModel(dir, 'onnx/encoder_model.onnx', g, input, last, D, config, { ...WHISPER_PREPROCESSOR });
}

/** The convolutional front end of wav2vec 2.0 base (HF `Wav2Vec2Config` defaults): 320 samples per frame. */
export const WAV2VEC2_CONV = { kernels: [10, 3, 3, 3, 3, 2, 2], strides: [5, 2, 2, 2, 2, 2, 2] } as const;

/**
 * Writes a wav2vec 2.0 model with seeded random weights into `dir` (`onnx/model.onnx`,
 * `config.json`, `preprocessor_config.json`). Same architecture as HF `Wav2Vec2Model` with
 * `feat_extract_norm="group"` and post-LN blocks (Baevski et al. 2020; wav2vec2-base): seven
 * convolutions (the first with a per-channel GroupNorm) with GELU, a feature projection, a
 * grouped convolutional position embedding, the encoder LayerNorm, then the blocks. HuBERT has
 * the same encoder (HF `HubertModel`).
 */
export async function createTinyWav2vec2(
  dir: string,
  options: TinySpeechOptions & { convDim?: number; posKernel?: number; posGroups?: number; modelType?: 'wav2vec2' | 'hubert' } = {},
): Promise<TinySpeechModel> {
  const { L, D, H, F, seed } = sizes(options, 'features-speech:tiny-wav2vec2');
  const C = options.convDim ?? 16;
  const K = options.posKernel ?? 16;
  const G = options.posGroups ?? 4;
  const rng = createRng(seed);
  const g = new GraphBuilder(loadOnnx());
  const { gelu, linear, layerNorm, attention } = layers(g, rng, D, H);
  let x = g.node('/feature_extractor', 'Unsqueeze', ['input_values', g.ints('voxelwise.axis1', [1])]);
  WAV2VEC2_CONV.kernels.forEach((k, j) => {
    const S = `/feature_extractor/conv_layers.${j}`;
    const cin = j === 0 ? 1 : C;
    x = g.node(
      `${S}/conv`,
      'Conv',
      [x, g.floats(`feature_extractor.conv_layers.${j}.conv.weight`, [C, cin, k], uniform(rng, C * cin * k, 1 / Math.sqrt(cin * k)))],
      {
        kernel_shape: [k],
        strides: [WAV2VEC2_CONV.strides[j]!],
      },
    );
    if (j === 0) {
      // GroupNorm with one group per channel is instance normalisation over time.
      const n = 'feature_extractor.conv_layers.0.layer_norm';
      x = g.node(
        `${S}/layer_norm`,
        'InstanceNormalization',
        [x, g.floats(`${n}.weight`, [C], uniform(rng, C, 0.1, 1)), g.floats(`${n}.bias`, [C], uniform(rng, C, 0.02))],
        {
          epsilon: { float: 1e-5 },
        },
      );
    }
    x = gelu(`${S}/activation`, x);
  });
  x = g.node('/feature_extractor', 'Transpose', [x], { perm: [0, 2, 1] });
  x = linear(
    '/feature_projection/projection',
    layerNorm('/feature_projection/layer_norm', x, 'feature_projection.layer_norm', C),
    'feature_projection.projection',
    C,
    D,
  );
  const P = '/encoder/pos_conv_embed';
  let pos = g.node(
    `${P}/conv`,
    'Conv',
    [
      g.node(P, 'Transpose', [x], { perm: [0, 2, 1] }),
      g.floats('encoder.pos_conv_embed.conv.weight', [D, D / G, K], uniform(rng, D * (D / G) * K, 1 / Math.sqrt((D / G) * K))),
      g.floats('encoder.pos_conv_embed.conv.bias', [D], uniform(rng, D, 0.02)),
    ],
    { kernel_shape: [K], pads: [K >> 1, K >> 1], group: G },
  );
  // Wav2Vec2SamePadLayer: an even kernel yields one frame too many; drop the last.
  if (K % 2 === 0)
    pos = g.node(`${P}/padding`, 'Slice', [
      pos,
      g.ints('voxelwise.zero', [0]),
      g.ints('voxelwise.minus1', [-1]),
      g.ints('voxelwise.axis2', [2]),
    ]);
  pos = g.node(P, 'Transpose', [gelu(`${P}/activation`, pos)], { perm: [0, 2, 1] });
  x = layerNorm('/encoder/layer_norm', g.node('/encoder', 'Add', [x, pos]), 'encoder.layer_norm', D);
  for (let i = 0; i < L; i++) {
    const S = `/encoder/layers.${i}`;
    const N = `encoder.layers.${i}`;
    x = layerNorm(`${S}/layer_norm`, g.node(S, 'Add', [x, attention(`${S}/attention`, x, `${N}.attention`, true)]), `${N}.layer_norm`, D);
    const h = gelu(
      `${S}/feed_forward/intermediate_act_fn`,
      linear(`${S}/feed_forward/intermediate_dense`, x, `${N}.feed_forward.intermediate_dense`, D, F),
    );
    x = layerNorm(
      `${S}/final_layer_norm`,
      g.node(S, 'Add', [x, linear(`${S}/feed_forward/output_dense`, h, `${N}.feed_forward.output_dense`, F, D)]),
      `${N}.final_layer_norm`,
      D,
    );
  }
  const modelType = options.modelType ?? 'wav2vec2';
  const config = {
    model_type: modelType,
    architectures: [modelType === 'hubert' ? 'HubertModel' : 'Wav2Vec2Model'],
    hidden_size: D,
    num_hidden_layers: L,
    num_attention_heads: H,
    intermediate_size: F,
    conv_dim: WAV2VEC2_CONV.kernels.map(() => C),
    conv_kernel: [...WAV2VEC2_CONV.kernels],
    conv_stride: [...WAV2VEC2_CONV.strides],
    feat_extract_norm: 'group',
    do_stable_layer_norm: false,
    num_conv_pos_embeddings: K,
    num_conv_pos_embedding_groups: G,
    layer_norm_eps: 1e-5,
  };
  return writeModel(dir, 'onnx/model.onnx', g, valueInfo('input_values', FLOAT, ['batch_size', 'samples']), x, D, config, {
    ...WAV2VEC2_PREPROCESSOR,
  });
}
