import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { createSpeechExtractor, createTinyWav2vec2, createTinyWhisperEncoder, speechOptionsSchema } from '../src/index.js';
import { audioStory, FIXTURES, maxAbsDiff, tempDir } from './helpers.js';

interface Case {
  model: 'whisper' | 'wav2vec2';
  pool: 'last' | 'mean';
  frames: 'real' | 'padded';
  input: 'padded' | 'trimmed';
  times: number[];
  layers: number[][][];
}
// Expected values: tools/reference/speech_forward.py (float64 numpy), via tools/reference/speech-fixtures.ts.
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'forward.json'), 'utf8')) as {
  models: Record<'whisper' | 'wav2vec2', { seed: number; layers: number; dModel: number; heads: number }>;
  windows: { chunkSize: number; contextSize: number };
  cases: Case[];
};
const WAV = path.join(FIXTURES, 'tones.wav');

describe('speech features against the float64 numpy reference', () => {
  const dirs: Record<string, string> = {};
  beforeAll(async () => {
    dirs['whisper'] = tempDir();
    dirs['wav2vec2'] = tempDir();
    await createTinyWhisperEncoder(dirs['whisper'], fixture.models.whisper);
    await createTinyWav2vec2(dirs['wav2vec2'], fixture.models.wav2vec2);
  });

  it.each(fixture.cases.map((c) => [`${c.model} pool=${c.pool} frames=${c.frames} input=${c.input}`, c] as const))('%s', async (_, c) => {
    const ex = createSpeechExtractor(
      speechOptionsSchema.parse({
        model: dirs[c.model],
        layer: 'last',
        pool: c.pool,
        whisperFrames: c.frames,
        whisperInput: c.input,
        cache: false,
        batchSize: 3,
        ...fixture.windows,
      }),
    );
    const got = await ex.extractAll(audioStory('tones', WAV, 1.7), createContext({ cacheDir: tempDir() }));
    await ex.dispose?.();
    expect(Array.from(got.times)).toEqual(c.times);
    expect(got.layers).toHaveLength(c.layers.length);
    c.layers.forEach((rows, l) => {
      const want = rows.flat();
      const scale = Math.max(...want.map(Math.abs));
      expect(maxAbsDiff(got.layers[l]!, want) / scale, `layer ${l}`).toBeLessThan(1e-5);
    });
  });

  it('pool=last with real frames differs from LITcoder’s padding frame (the fix matters)', () => {
    const real = fixture.cases.find((c) => c.model === 'whisper' && c.pool === 'last' && c.frames === 'real' && c.input === 'padded')!;
    const padded = fixture.cases.find((c) => c.model === 'whisper' && c.pool === 'last' && c.frames === 'padded')!;
    expect(maxAbsDiff(real.layers[0]!.flat(), padded.layers[0]!.flat())).toBeGreaterThan(0.1);
    // The padding frame hardly changes from window to window: it sees mostly padding.
    const spread = (rows: number[][]): number => maxAbsDiff(rows[0]!, rows[rows.length - 1]!);
    expect(spread(padded.layers[1]!)).toBeLessThan(spread(real.layers[1]!));
  });

  it('trimmed Whisper input (no 30 s padding) gives different numbers than padded', () => {
    const of = (input: string) =>
      fixture.cases.find((c) => c.model === 'whisper' && c.pool === 'mean' && c.frames === 'real' && c.input === input)!;
    expect(maxAbsDiff(of('trimmed').layers[1]!.flat(), of('padded').layers[1]!.flat())).toBeGreaterThan(0.01);
  });
});
