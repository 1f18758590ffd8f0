import { describe, expect, it } from 'vitest';
import { createTinyWav2vec2, createTinyWhisperEncoder, openSpeechModel, releaseSpeechModel, runSpeechWindows, speechWindows } from '../src/index.js';
import { tempDir, tones } from './helpers.js';

describe('smoke', () => {
  it('runs tiny models', async () => {
    for (const make of [createTinyWhisperEncoder, createTinyWav2vec2]) {
      const dir = tempDir();
      await make(dir, { seed: 1 });
      const m = await openSpeechModel({ model: dir, cacheDir: tempDir() });
      const x = tones(3, 16000);
      const w = speechWindows(x.length, 16000, 0.5, 1);
      const t0 = performance.now();
      const layers = await runSpeechWindows(m, x, w, { pool: 'last', whisperFrames: 'real', batchSize: 2 });
      console.log(m.info.architecture, w.ends.length, layers.length, layers[0]!.slice(0, 4), performance.now() - t0);
      expect(layers.every((l) => l.every(Number.isFinite))).toBe(true);
      await releaseSpeechModel(m);
    }
  });
});
