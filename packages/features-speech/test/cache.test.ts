import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  createSpeechExtractor,
  createTinyWav2vec2,
  listSpeechCache,
  speechCacheDir,
  speechOptionsSchema,
  verifySpeechCache,
} from '../src/index.js';
import { audioStory, computations, FIXTURES, recordingContext, tempDir } from './helpers.js';

const WAV = path.join(FIXTURES, 'tones.wav');

describe('the speech cache', () => {
  let model: string;
  beforeAll(async () => {
    model = (await createTinyWav2vec2(tempDir(), { seed: 9, layers: 3, dModel: 16, heads: 2 })).dir;
  });
  const make = (extra: Record<string, unknown> = {}) =>
    createSpeechExtractor(speechOptionsSchema.parse({ model, layer: 0, chunkSize: 0.2, contextSize: 1, ...extra }));

  it('layers: all computes every layer once, then serves every layer of a sweep from one file', async () => {
    const cacheDir = tempDir();
    const { ctx, events } = recordingContext(cacheDir);
    const story = audioStory('tones', WAV, 1.7);
    const a = make({ layer: 0, layers: 'all' });
    const first = await a.extract(story, ctx);
    expect(first).toMatchObject({ level: 'time', data: { rows: 4, cols: 16 } });
    expect(Array.from(first.times!)).toEqual([1, 1.2, 1.4, 1.6]);
    for (const layer of [1, 2, 'last', -1] as const) {
      const ex = make({ layer, layers: 'all' });
      const f = await ex.extract(story, ctx);
      expect(f.data.rows).toBe(4);
      await ex.dispose?.();
    }
    expect(computations(events)).toBe(1);
    const all = await a.extractAll(story, ctx);
    expect(all.fromCache).toBe(true);
    // 'last' and -1 are layer 2 (LITcoder: hidden_states[-1]).
    const last = await make({ layer: 'last' }).extract(story, ctx);
    expect(Array.from(last.data.data)).toEqual(Array.from(all.layers[2]!));
    await a.dispose?.();
    const [entry] = await listSpeechCache(cacheDir);
    expect(entry?.metadata).toMatchObject({ story: 'tones', nWindows: 4, nLayers: 3, dModel: 16 });
    expect(entry?.metadata?.parts).toMatchObject({
      chunkSize: 0.2,
      contextSize: 1,
      pool: 'last',
      whisperFrames: null,
      sampleRate: 16000,
      hop: 0.2,
      layers: 3,
    });
  });

  it('layers: needed stops at the layer asked for; any file of the same settings that holds a layer serves it', async () => {
    const cacheDir = tempDir();
    const { ctx, events } = recordingContext(cacheDir);
    const story = audioStory('tones', WAV, 1.7);
    await make({ layer: 1 }).extract(story, ctx);
    expect(computations(events)).toBe(1);
    expect((await listSpeechCache(cacheDir)).map((e) => [e.metadata?.nLayers, e.metadata?.parts.layers])).toEqual([[2, 2]]);
    // Layer 0 is in the 2-layer file; layer 2 is not (a 3-layer file is computed).
    await make({ layer: 0 }).extract(story, ctx);
    expect(computations(events)).toBe(1);
    const deep = await make({ layer: 2 }).extract(story, ctx);
    expect(computations(events)).toBe(2);
    // The 3-layer file is the one `layers: all` and extractAll write: they read it, and it agrees.
    const all = await make({ layers: 'all' }).extractAll(story, ctx);
    expect(all.fromCache).toBe(true);
    expect(Array.from(all.layers[2]!)).toEqual(Array.from(deep.data.data));
    expect(computations(events)).toBe(2);
    const layer1 = await make({ layer: 1, layers: 'all' }).extract(story, ctx);
    expect(Array.from(layer1.data.data)).toEqual(Array.from(all.layers[1]!));
    expect(computations(events)).toBe(2);
    // hop = chunkSize is the default (LITcoder's one pass per window): the same file.
    await make({ layer: 1, hop: 0.2 }).extract(story, ctx);
    expect(computations(events)).toBe(2);
    // A hop is another setting: its own file.
    await make({ layer: 1, hop: 0.4 }).extract(story, ctx);
    expect(computations(events)).toBe(3);
    expect((await listSpeechCache(cacheDir)).map((e) => e.metadata?.parts.hop).sort()).toEqual([0.2, 0.2, 0.4]);
  });

  it('keys on the audio bytes and the window settings, not the story name', async () => {
    const cacheDir = tempDir();
    const { ctx, events } = recordingContext(cacheDir);
    const copy = path.join(tempDir(), 'copy.wav');
    writeFileSync(copy, readFileSync(WAV));
    await make().extract(audioStory('a', WAV, 1.7), ctx);
    await make().extract(audioStory('b', copy, 1.7), ctx);
    expect(computations(events)).toBe(1);
    await make({ pool: 'mean' }).extract(audioStory('a', WAV, 1.7), ctx);
    await make({ chunkSize: 0.4 }).extract(audioStory('a', WAV, 1.7), ctx);
    const changed = readFileSync(WAV);
    changed.writeUInt8(changed.readUInt8(changed.length - 1) ^ 1, changed.length - 1);
    writeFileSync(copy, changed);
    await make().extract(audioStory('b', copy, 1.7), ctx);
    expect(computations(events)).toBe(4);
    expect(readdirSync(speechCacheDir(cacheDir)).filter((f) => f.endsWith('.arrow'))).toHaveLength(4);
  });

  it('reports a damaged file, recomputes it, and verify flags it', async () => {
    const cacheDir = tempDir();
    const { ctx, events } = recordingContext(cacheDir);
    const story = audioStory('tones', WAV, 1.7);
    await make().extract(story, ctx);
    const [file] = readdirSync(speechCacheDir(cacheDir)).map((f) => path.join(speechCacheDir(cacheDir), f));
    const bytes = readFileSync(file!);
    bytes.fill(3, bytes.length - 400, bytes.length - 300);
    writeFileSync(file!, bytes);
    expect((await verifySpeechCache(cacheDir)).map((e) => e.ok)).toEqual([false]);
    const again = await make().extract(story, ctx);
    expect(again.data.rows).toBe(4);
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /is corrupt/.test(e.message))).toBe(true);
    expect(computations(events)).toBe(2);
    expect((await verifySpeechCache(cacheDir)).map((e) => e.ok)).toEqual([true]);
  });

  it('refresh recomputes once per process; cache: false writes nothing', async () => {
    const cacheDir = tempDir();
    const { ctx, events } = recordingContext(cacheDir);
    const story = audioStory('tones', WAV, 1.7);
    await make({ layers: 'all' }).extract(story, ctx);
    const refresh = { ...ctx, refresh: true };
    await make({ layers: 'all' }).extract(story, refresh);
    await make({ layer: 1 }).extract(story, refresh);
    expect(computations(events)).toBe(2);
    const other = tempDir();
    await make({ cache: false }).extract(story, createContext({ cacheDir: other }));
    expect(await listSpeechCache(other)).toEqual([]);
  });

  it('names the story without audio, the layer out of range, and a story shorter than one window', async () => {
    const ctx = createContext({ cacheDir: tempDir() });
    const story = audioStory('tones', WAV, 1.7);
    const { audio: _, ...silent } = story;
    await expectVoxelwiseError(
      () => make().extract({ ...silent, responses: story.responses }, ctx),
      'E_DATA_INVALID',
      /story "tones" has no audio/,
    );
    await expectVoxelwiseError(() => make({ layer: 3 }).extract(story, ctx), 'E_OPTIONS_INVALID', /layers 0\.\.2/);
    const { ctx: c2, events } = recordingContext(tempDir());
    const f = await make({ contextSize: 5 }).extract(story, c2);
    expect(f.data.rows).toBe(0);
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /shorter than one context/.test(e.message))).toBe(true);
  });
});
