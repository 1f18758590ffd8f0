import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { onnx as Onnx } from 'onnx-proto';
import { createContext } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { buildFeatureGraph, createLmExtractor, createTinyGpt2, lmOptionsSchema } from '../src/index.js';
import type { TinyGpt2Model } from '../src/index.js';
import { maxAbsDiff, tempDir, wordStory } from './helpers.js';

const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof Onnx };
const WORDS = 'a man walked into a bar and asked for a glass of water'.split(' ');
const OPTS = { seed: 11, layers: 3, dModel: 16, heads: 4, positions: 32 };

async function allLayers(dir: string, cacheDir: string): Promise<readonly Float32Array[]> {
  const ex = createLmExtractor(lmOptionsSchema.parse({ model: dir, layer: 0, lookback: 6, cache: false }));
  const out = await ex.extractAll(wordStory('s', WORDS), createContext({ cacheDir }));
  await ex.dispose?.();
  return out.layers;
}

function rewrite(file: string, edit: (m: Onnx.ModelProto) => void): void {
  const m = onnx.ModelProto.decode(readFileSync(file));
  edit(m);
  writeFileSync(file, onnx.ModelProto.encode(m).finish());
}

describe('exposing the residual stream of an ONNX export', () => {
  let root: string;
  let withStates: TinyGpt2Model;
  let reference: readonly Float32Array[];
  beforeAll(async () => {
    root = tempDir();
    withStates = await createTinyGpt2(path.join(root, 'with-states'), OPTS);
    reference = await allLayers(withStates.dir, path.join(root, 'cache'));
  });

  it('adds the block boundaries of a logits-only export (torch.onnx.export style) and gets the same numbers', async () => {
    const plain = await createTinyGpt2(path.join(root, 'logits-only'), { ...OPTS, hiddenStateOutputs: false });
    const m = onnx.ModelProto.decode(readFileSync(plain.modelFile));
    expect(m.graph!.output!.map((o) => o.name)).toEqual(['logits']);
    const layers = await allLayers(plain.dir, path.join(root, 'cache'));
    for (let l = 0; l < layers.length; l++) expect(maxAbsDiff(layers[l]!, reference[l]!)).toBe(0);
  });

  it('keeps only what the layers need: no LM head, one pooled output per layer', () => {
    const g = buildFeatureGraph(readFileSync(withStates.modelFile), { architecture: 'gpt2', nLayers: 3, file: withStates.modelFile });
    const m = onnx.ModelProto.decode(g.bytes);
    expect(m.graph!.output!.map((o) => o.name)).toEqual([
      'voxelwise_layer_0',
      'voxelwise_layer_1',
      'voxelwise_layer_2',
      'voxelwise_layer_3',
    ]);
    expect(m.graph!.node!.some((n) => n.opType === 'Gemm')).toBe(false);
    expect(m.graph!.node!.some((n) => (n.name ?? '').includes('ln_f'))).toBe(false);
    expect(g.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'voxelwise_pool']);
    expect(g.method).toBe('scopes');
  });

  it('cuts the graph after upToLayer: blocks past it are dropped, the layers kept give the same numbers', async () => {
    const full = buildFeatureGraph(readFileSync(withStates.modelFile), { architecture: 'gpt2', nLayers: 3, file: withStates.modelFile });
    const cut = buildFeatureGraph(readFileSync(withStates.modelFile), {
      architecture: 'gpt2',
      nLayers: 3,
      file: withStates.modelFile,
      upToLayer: 1,
    });
    const m = onnx.ModelProto.decode(cut.bytes);
    expect(m.graph!.output!.map((o) => o.name)).toEqual(['voxelwise_layer_0', 'voxelwise_layer_1']);
    expect(m.graph!.node!.some((n) => /h\.[12][/.]/.test(n.name ?? ''))).toBe(false);
    expect(m.graph!.node!.some((n) => /h\.0[/.]/.test(n.name ?? ''))).toBe(true);
    expect(cut.bytes.byteLength).toBeLessThan(full.bytes.byteLength);
    const ort = await import('onnxruntime-node');
    const run = async (bytes: Uint8Array, names: string[]) => {
      const session = await ort.InferenceSession.create(bytes);
      const ids = BigInt64Array.from([50256n, 64n, 1110n, 257n], (x) => x);
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, [1, 4]),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n, 1n]), [1, 4]),
        voxelwise_pool: new ort.Tensor('float32', Float32Array.from([0, 0, 0, 1]), [1, 1, 4]),
      };
      const out = await session.run(feeds, names);
      await session.release();
      return names.map((n) => out[n]!.data as Float32Array);
    };
    const [a1] = await run(full.bytes, ['voxelwise_layer_1']);
    const [b1] = await run(cut.bytes, ['voxelwise_layer_1']);
    expect(maxAbsDiff(a1!, b1!)).toBe(0);
  });

  it('falls back to declared hidden_states outputs (stepping back through the final LayerNorm) when nodes are unnamed', async () => {
    const dir = path.join(root, 'unnamed');
    cpSync(withStates.dir, dir, { recursive: true });
    rewrite(path.join(dir, 'onnx', 'model.onnx'), (m) => m.graph!.node!.forEach((n, i) => (n.name = `node_${i}`)));
    const g = buildFeatureGraph(readFileSync(path.join(dir, 'onnx', 'model.onnx')), { architecture: 'gpt2', nLayers: 3, file: 'unnamed' });
    expect(g.method).toBe('hidden_states');
    const layers = await allLayers(dir, path.join(root, 'cache'));
    for (let l = 0; l < layers.length; l++) expect(maxAbsDiff(layers[l]!, reference[l]!)).toBe(0);
  });

  const SCOPE_RENAMES: Array<[string, Array<[RegExp, string]>]> = [
    [
      'opt',
      [
        [/\/transformer\/h\.(\d+)\/ln_1\//, '/model/decoder/layers.$1/self_attn_layer_norm/'],
        [/\/transformer\/h\.(\d+)\/ln_2\//, '/model/decoder/layers.$1/final_layer_norm/'],
        [/\/transformer\/ln_f\//, '/model/decoder/final_layer_norm/'],
      ],
    ],
    [
      'gpt_neox',
      [
        [/\/transformer\/h\.(\d+)\/ln_1\//, '/gpt_neox/layers.$1/input_layernorm/'],
        [/\/transformer\/h\.(\d+)\/ln_2\//, '/gpt_neox/layers.$1/post_attention_layernorm/'],
        [/\/transformer\/ln_f\//, '/gpt_neox/final_layer_norm/'],
      ],
    ],
  ];
  it.each(SCOPE_RENAMES)('finds the block boundaries of %s exports by their scope names', (architecture, renames) => {
    const m = onnx.ModelProto.decode(readFileSync(withStates.modelFile));
    // Rename the scopes as a torch.onnx.export of that architecture names them (tensors keep their names).
    // OPT layers also have a `final_layer_norm`, which must not be taken for the model's last one.
    for (const n of m.graph!.node!) for (const [from, to] of renames) n.name = (n.name ?? '').replace(from, to);
    const renamed = onnx.ModelProto.encode(m).finish();
    const gpt2 = buildFeatureGraph(readFileSync(withStates.modelFile), { architecture: 'gpt2', nLayers: 3, file: 'gpt2.onnx' });
    const other = buildFeatureGraph(renamed, { architecture, nLayers: 3, file: `${architecture}.onnx` });
    expect(other.method).toBe('scopes');
    expect(other.sources).toEqual(gpt2.sources);
  });

  it('an export with neither named scopes nor hidden states is unsupported, with a clear error', async () => {
    const plain = await createTinyGpt2(path.join(root, 'bare'), { ...OPTS, hiddenStateOutputs: false });
    rewrite(plain.modelFile, (m) => m.graph!.node!.forEach((n, i) => (n.name = `node_${i}`)));
    await expectVoxelwiseError(
      () => buildFeatureGraph(readFileSync(plain.modelFile), { architecture: 'gpt2', nLayers: 3, file: plain.modelFile }),
      'E_MODEL_UNSUPPORTED',
      /block boundaries/,
      /model\.onnx/,
    );
  });

  it('an architecture without rules is unsupported unless the export declares its hidden states', async () => {
    const plain = await createTinyGpt2(path.join(root, 'plain-llama'), { ...OPTS, hiddenStateOutputs: false });
    await expectVoxelwiseError(
      () => buildFeatureGraph(readFileSync(plain.modelFile), { architecture: 'llama', nLayers: 3, file: 'x.onnx' }),
      'E_MODEL_UNSUPPORTED',
      /unsupported architecture/,
      /llama/,
    );
  });

  it('a file that is not ONNX is a load error naming it', async () => {
    await expectVoxelwiseError(
      () => buildFeatureGraph(new Uint8Array([1, 2, 3, 4, 5, 6, 7]), { architecture: 'gpt2', nLayers: 3, file: 'broken.onnx' }),
      'E_MODEL_LOAD',
      /broken\.onnx/,
    );
  });
});
