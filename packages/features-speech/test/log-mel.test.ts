import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTinyWhisperEncoder, decodeWav, openSpeechModel, releaseSpeechModel, speechWindows, storyLogMel } from '../src/index.js';
import { FIXTURES, maxAbsDiff, tempDir } from './helpers.js';

describe('shared Whisper log-mel (one STFT per story)', () => {
  it('equals transformers.js WhisperFeatureExtractor run on each padded window', async () => {
    const dir = tempDir();
    await createTinyWhisperEncoder(dir, { layers: 1, dModel: 8, heads: 2 });
    const m = await openSpeechModel({ model: dir, cacheDir: dir });
    const { samples } = decodeWav(readFileSync(path.join(FIXTURES, 'tones.wav')), 'tones.wav');
    const per = await m.preprocessor();
    const fe = (await m.whisperFrontEnd())!;
    for (const [chunk, context] of [
      [0.1, 1],
      [0.2, 0.5],
    ] as const) {
      const w = speechWindows(samples.length, 16000, chunk, context);
      const shared = storyLogMel(samples, fe, w.chunkSamples)!;
      for (let i = 0; i < w.ends.length; i += 3) {
        const want = await per(samples.subarray(w.starts[i]!, w.ends[i]!));
        const got = shared(w.starts[i]!, w.ends[i]!);
        expect(got.length).toBe(want.length);
        expect(maxAbsDiff(got, want), `window ${i} of chunk ${chunk}`).toBeLessThan(2e-5);
      }
    }
    // Windows off the hop grid fall back to the per-window extractor.
    expect(storyLogMel(samples, fe, 100)).toBeUndefined();
    await releaseSpeechModel(m);
  });
});
