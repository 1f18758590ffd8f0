import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createLmExtractor, createTinyGpt2, lmOptionsSchema, MODEL_ALIASES, readModelInfo, resolveModelSource } from '../src/index.js';
import type { TinyGpt2Model } from '../src/index.js';
import { tempDir, wordStory } from './helpers.js';

describe('finding and opening models', () => {
  let root: string;
  let tiny: TinyGpt2Model;
  beforeAll(async () => {
    root = tempDir();
    tiny = await createTinyGpt2(path.join(root, 'tiny'), { layers: 2, dModel: 8, heads: 2, positions: 16 });
  });

  it('opens a local folder by absolute or relative path', async () => {
    const abs = await resolveModelSource({ model: tiny.dir, cacheDir: root });
    expect(abs.onnxFile).toBe(path.join(tiny.dir, 'onnx', 'model.onnx'));
    const rel = await resolveModelSource({ model: path.relative(process.cwd(), tiny.dir), cacheDir: root });
    expect(rel.dir).toBe(tiny.dir);
  });

  it('reads the model shape from config.json', async () => {
    const { info } = await readModelInfo(tiny.dir);
    expect(info).toEqual({ architecture: 'gpt2', nBlocks: 2, dModel: 8, nHeads: 2, nPositions: 16, bosId: 50256, padId: 50256 });
  });

  it('a missing folder is E_MODEL_LOAD saying what was tried', async () => {
    const err = await expectVoxelwiseError(
      () => resolveModelSource({ model: './no/such/model', cacheDir: root }),
      'E_MODEL_LOAD',
      /no\/such\/model/,
      /not found/,
    );
    expect(err.details['tried']).toHaveLength(1);
  });

  it('a folder without an ONNX file is E_MODEL_LOAD naming the candidates', async () => {
    const dir = path.join(root, 'no-onnx');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), readFileSync(path.join(tiny.dir, 'config.json')));
    writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    await expectVoxelwiseError(() => resolveModelSource({ model: dir, cacheDir: root }), 'E_MODEL_LOAD', /onnx\/decoder_model\.onnx/);
  });

  it('an alias offline and not yet downloaded is E_MODEL_LOAD naming the alias, the repository and the cache folder', async () => {
    const before = process.env['HF_HUB_OFFLINE'];
    process.env['HF_HUB_OFFLINE'] = '1';
    try {
      const cacheDir = path.join(root, 'empty-cache');
      await expectVoxelwiseError(
        () => resolveModelSource({ model: 'gpt2-small', cacheDir }),
        'E_MODEL_LOAD',
        /alias "gpt2-small" → hub "Xenova\/gpt2"/,
        /empty-cache/,
        /HF_HUB_OFFLINE/,
      );
    } finally {
      if (before === undefined) delete process.env['HF_HUB_OFFLINE'];
      else process.env['HF_HUB_OFFLINE'] = before;
    }
  });

  it('a hub model already in the cache folder is used without the network', async () => {
    const cacheDir = path.join(root, 'hub-cache');
    cpSync(tiny.dir, path.join(cacheDir, 'hub', 'Xenova', 'gpt2'), { recursive: true });
    const src = await resolveModelSource({ model: 'gpt2-small', cacheDir });
    expect(src.hub).toEqual({ repo: 'Xenova/gpt2', revision: 'main' });
    const pinned = path.join(cacheDir, 'hub', 'Xenova', 'gpt2', 'abc123');
    cpSync(tiny.dir, pinned, { recursive: true });
    expect((await resolveModelSource({ model: 'Xenova/gpt2', revision: 'abc123', cacheDir })).dir).toBe(pinned);
  });

  it('aliases cover the LITcoder model names', () => {
    for (const name of ['gpt2-small', 'gpt2-medium', 'facebook/opt-125m', 'EleutherAI/pythia-70m'])
      expect(MODEL_ALIASES[name]).toBeDefined();
  });

  it('an unsupported architecture is E_MODEL_UNSUPPORTED listing the supported ones', async () => {
    const dir = path.join(root, 'llama');
    cpSync(tiny.dir, dir, { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'llama', num_hidden_layers: 2 }));
    await expectVoxelwiseError(() => readModelInfo(dir), 'E_MODEL_UNSUPPORTED', /llama/, /gpt2/);
  });

  it('post-LN OPT (opt-350m) is refused', async () => {
    const dir = path.join(root, 'opt');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({
        model_type: 'opt',
        num_hidden_layers: 24,
        hidden_size: 1024,
        num_attention_heads: 16,
        max_position_embeddings: 2048,
        bos_token_id: 2,
        do_layer_norm_before: false,
      }),
    );
    await expectVoxelwiseError(() => readModelInfo(dir), 'E_MODEL_UNSUPPORTED', /post-LN/);
  });

  it('a layer outside the model is E_OPTIONS_INVALID with the valid range', async () => {
    const ex = createLmExtractor(lmOptionsSchema.parse({ model: tiny.dir, layer: 3 }));
    await expectVoxelwiseError(
      () => ex.extract(wordStory('s', ['a', 'b']), createContext({ cacheDir: root })),
      'E_OPTIONS_INVALID',
      /layer/,
      /0\.\.2/,
    );
    await ex.dispose?.();
  });

  it('a context longer than the model positions is E_DATA_INVALID naming the story and word', async () => {
    const ex = createLmExtractor(lmOptionsSchema.parse({ model: tiny.dir, layer: 1, lookback: 64, cache: false }));
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`);
    await expectVoxelwiseError(
      () => ex.extract(wordStory('long-story', words), createContext({ cacheDir: root })),
      'E_DATA_INVALID',
      /long-story/,
      /word \d+/,
    );
    await ex.dispose?.();
  });
});
