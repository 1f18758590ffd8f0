import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { loadOnnx } from '@voxelwise/onnx-tools';
import {
  buildSpeechGraph,
  createSpeechExtractor,
  createTinyWav2vec2,
  createTinyWhisperEncoder,
  speechOptionsSchema,
} from '../src/index.js';
import { audioStory, FIXTURES, tempDir } from './helpers.js';

const WAV = path.join(FIXTURES, 'tones.wav');

describe('stopping at the deepest layer a stage reads (layers: needed)', () => {
  const dirs: Record<string, string> = {};
  const files: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, make] of [
      ['whisper', createTinyWhisperEncoder],
      ['wav2vec2', createTinyWav2vec2],
    ] as const) {
      dirs[name] = tempDir();
      files[name] = (await make(dirs[name], { seed: 4, layers: 3, dModel: 16, heads: 2 })).modelFile;
    }
  });

  it.each(['whisper', 'wav2vec2'])('%s: the truncated graph runs blocks 0..layer only', (name) => {
    const bytes = readFileSync(files[name]!);
    const input = name === 'whisper' ? 'input_features' : 'input_values';
    const full = buildSpeechGraph(bytes, { nLayers: 3, input, file: files[name]! });
    const cut = buildSpeechGraph(bytes, { nLayers: 3, input, file: files[name]!, upToLayer: 0 });
    const nodes = (b: Uint8Array) =>
      loadOnnx()
        .ModelProto.decode(b)
        .graph!.node!.map((n) => n.name ?? '');
    expect(nodes(full.bytes).some((n) => /(^|\/)layers\.2\//.test(n))).toBe(true);
    expect(nodes(cut.bytes).some((n) => /(^|\/)layers\.[12]\//.test(n))).toBe(false);
    expect(nodes(cut.bytes).some((n) => /(^|\/)layers\.0\//.test(n))).toBe(true);
    expect(cut.sources).toEqual(full.sources.slice(0, 1));
    expect(
      loadOnnx()
        .ModelProto.decode(cut.bytes)
        .graph!.output!.map((o) => o.name),
    ).toEqual(['voxelwise_speech_layer_0']);
  });

  // Bitwise, not a tolerance: the kept nodes are the same nodes on the same inputs.
  it.each([
    ['whisper', 'padded', 'last'],
    ['whisper', 'trimmed', 'mean'],
    ['wav2vec2', 'padded', 'mean'],
  ] as const)('%s input=%s pool=%s: every kept layer equals the full graph bit for bit', async (name, input, pool) => {
    const story = audioStory('tones', WAV, 1.7);
    const ctx = createContext({ cacheDir: tempDir() });
    const opts = { model: dirs[name], chunkSize: 0.2, contextSize: 1, whisperInput: input, pool, cache: false, batchSize: 2 };
    const full = createSpeechExtractor(speechOptionsSchema.parse({ ...opts, layer: 0, layers: 'all' }));
    const all = await full.extractAll(story, ctx);
    for (const layer of [0, 1, 2]) {
      const needed = createSpeechExtractor(speechOptionsSchema.parse({ ...opts, layer }));
      const got = await needed.extract(story, ctx);
      expect(Array.from(got.data.data), `layer ${layer}`).toEqual(Array.from(all.layers[layer]!));
      // The full graph asked for one layer (layers: all) gives the same.
      const wide = await full.extract(story, ctx);
      expect(Array.from(wide.data.data)).toEqual(Array.from(all.layers[0]!));
      await needed.dispose?.();
    }
    await full.dispose?.();
  });
});
