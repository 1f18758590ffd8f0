import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { onnx as Onnx } from 'onnx-proto';
import { createContext } from '@voxelwise/core';
import { loadOnnx } from '@voxelwise/onnx-tools';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  buildSpeechGraph,
  createSpeechExtractor,
  createTinyWav2vec2,
  createTinyWhisperEncoder,
  speechOptionsSchema,
} from '../src/index.js';
import { audioStory, FIXTURES, maxAbsDiff, tempDir } from './helpers.js';

const WAV = path.join(FIXTURES, 'tones.wav');

function rewrite(file: string, edit: (m: Onnx.ModelProto) => void): void {
  const pb = loadOnnx();
  const m = pb.ModelProto.decode(readFileSync(file));
  edit(m);
  writeFileSync(file, pb.ModelProto.encode(m).finish());
}

async function layers(dir: string) {
  const ex = createSpeechExtractor(speechOptionsSchema.parse({ model: dir, layer: 0, chunkSize: 0.4, contextSize: 1, cache: false }));
  const out = await ex.extractAll(audioStory('s', WAV, 1.7), createContext({ cacheDir: tempDir() }));
  await ex.dispose?.();
  return out.layers;
}

describe('exposing the hidden states of a speech encoder', () => {
  it('finds the last state behind a CTC head (no last_hidden_state output)', async () => {
    const dir = tempDir();
    const { modelFile } = await createTinyWav2vec2(dir, { seed: 2, layers: 2, dModel: 16, heads: 2 });
    const plain = await layers(dir);
    rewrite(modelFile, (m) => {
      const pb = loadOnnx();
      const g = m.graph!;
      const out = g.output![0]!;
      const w = pb.TensorProto.create({
        name: 'lm_head.weight',
        dims: [16, 5],
        dataType: 1,
        rawData: new Uint8Array(new Float32Array(80).fill(0.1).buffer),
      });
      g.initializer!.push(w);
      const id = g.node!.find((n) => n.output?.[0] === 'last_hidden_state')!;
      id.output = ['hidden'];
      g.node!.push(
        pb.NodeProto.create({ opType: 'MatMul', input: ['hidden', 'lm_head.weight'], output: ['logits'], name: '/lm_head/MatMul' }),
      );
      out.name = 'logits';
    });
    const ctc = await layers(dir);
    ctc.forEach((l, i) => expect(maxAbsDiff(l, plain[i]!)).toBe(0));
  });

  it('runs HuBERT (the wav2vec 2.0 encoder under model_type hubert)', async () => {
    const dir = tempDir();
    await createTinyWav2vec2(dir, { seed: 2, layers: 2, dModel: 16, heads: 2, modelType: 'hubert' });
    const out = await layers(dir);
    expect(out).toHaveLength(2);
    expect(out[1]!.every(Number.isFinite)).toBe(true);
  });

  it('names the file when the blocks cannot be found, and other architectures', async () => {
    const dir = tempDir();
    const { modelFile } = await createTinyWhisperEncoder(dir, { layers: 1, dModel: 8, heads: 2 });
    const bytes = readFileSync(modelFile);
    expectVoxelwiseError(
      () => buildSpeechGraph(bytes, { nLayers: 2, input: 'input_features', file: modelFile }),
      'E_MODEL_UNSUPPORTED',
      /block 1.*encoder_model\.onnx/,
    );
    expectVoxelwiseError(
      () => buildSpeechGraph(Uint8Array.of(1, 2, 3), { nLayers: 1, input: 'input_features', file: 'x.onnx' }),
      'E_MODEL_LOAD',
      /x\.onnx/,
    );
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ model_type: 'bert' }));
    const ex = createSpeechExtractor(speechOptionsSchema.parse({ model: dir, layer: 0 }));
    await expectVoxelwiseError(() => ex.describe(createContext({ cacheDir: tempDir() })), 'E_MODEL_UNSUPPORTED', /"bert"/);
  });

  it('lists every place it looked for a model', async () => {
    const ex = createSpeechExtractor(speechOptionsSchema.parse({ model: './no/such/model', layer: 0 }));
    await expectVoxelwiseError(() => ex.describe(createContext({ cacheDir: tempDir() })), 'E_MODEL_LOAD', /no\/such\/model/);
  });
});
