import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  convFrames,
  convFramesBefore,
  createSpeechExtractor,
  createTinyWav2vec2,
  createTinyWhisperEncoder,
  readoutsPerPass,
  speechOptionsSchema,
  speechPasses,
  speechWindows,
  whisperFramesBefore,
  whisperRealFrames,
} from '../src/index.js';
import type { SpeechModelInfo } from '../src/index.js';
import { audioStory, FIXTURES, maxAbsDiff, tempDir } from './helpers.js';

interface HopCase {
  model: 'whisper' | 'wav2vec2';
  pool: 'last' | 'mean';
  input: 'padded' | 'trimmed';
  hop: number;
  times: number[];
  layers: number[][][];
}
// Expected values: tools/reference/speech_forward.py with its `hop` argument (float64 numpy), via
// tools/reference/speech-fixtures.ts.
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'forward-hop.json'), 'utf8')) as {
  models: Record<'whisper' | 'wav2vec2', { seed: number; layers: number; dModel: number; heads: number }>;
  windows: { chunkSize: number; contextSize: number };
  cases: HopCase[];
};
// The same windows without a hop (forward.json, as forward.test.ts reads it).
const exact = JSON.parse(readFileSync(path.join(FIXTURES, 'forward.json'), 'utf8')) as {
  cases: Array<Omit<HopCase, 'hop'> & { frames: 'real' | 'padded' }>;
};
const WAV = path.join(FIXTURES, 'tones.wav');
const SECONDS = 1.7;

describe('passes of the readout hop', () => {
  const w = speechWindows(16000 * 3, 16000, 0.2, 1);

  it('hop = chunkSize is one pass per window, each exactly its window', () => {
    expect(readoutsPerPass(0.2, undefined)).toBe(1);
    expect(readoutsPerPass(0.2, 0.2)).toBe(1);
    const passes = speechPasses(w, 1);
    expect(passes).toHaveLength(w.ends.length);
    passes.forEach((p, i) => expect(p).toEqual({ start: w.starts[i], end: w.ends[i], first: i, count: 1 }));
  });

  it('groups k windows per pass over context + hop − chunk; the last pass keeps the span', () => {
    expect(readoutsPerPass(0.1, 0.5)).toBe(5);
    expect(readoutsPerPass(0.1, 0.3)).toBe(3);
    const k = readoutsPerPass(0.2, 0.8);
    expect(k).toBe(4);
    // 11 windows (ends 1.0 … 3.0 s): passes of 4, 4 and 3 windows.
    const passes = speechPasses(w, k);
    expect(passes.map((p) => [p.first, p.count])).toEqual([
      [0, 4],
      [4, 4],
      [8, 3],
    ]);
    for (const p of passes) {
      expect(p.end).toBe(w.ends[p.first + p.count - 1]);
      expect(p.end - p.start).toBe(16000 * 1.6);
      expect(w.starts[p.first]! >= p.start).toBe(true);
    }
    // A story shorter than one hop: one pass from its start.
    const short = speechWindows(16000 * 1.3, 16000, 0.2, 1);
    expect(speechPasses(short, 4)).toEqual([{ start: 0, end: 16000 * 1.2, first: 0, count: 2 }]);
  });

  it('frames of consecutive windows tile a pass (Whisper), and start at 0 for a window of its own', () => {
    const info = { architecture: 'whisper', nLayers: 1, dModel: 8, nHeads: 1, sampleRate: 16000, hopLength: 160, melFrames: 3000 } as const;
    expect(whisperFramesBefore(info, 0)).toBe(0);
    for (const a of [0, 1600, 3200, 4800]) expect(whisperFramesBefore(info, a + 16000)).toBe(whisperRealFrames(info, a + 16000));
    const w2v: SpeechModelInfo = { architecture: 'wav2vec2', nLayers: 1, dModel: 8, nHeads: 1, sampleRate: 16000 };
    expect(convFramesBefore(w2v, 0)).toBe(0);
    // Frame j reads samples [320 j, 320 j + 400): the frames wholly inside [3200, 19200) are 10 … 58.
    expect(convFramesBefore(w2v, 3200)).toBe(10);
    expect(convFrames(w2v, 19200)).toBe(59);
  });

  it.each([
    [0.3, /whole multiple of option "chunkSize" \(0\.2 s\)/],
    [0.1, /"hop" \(0\.1 s\)/],
    [0.5, /"hop" \(0\.5 s\)/],
  ] as const)('refuses hop %s s with chunk 0.2 s', (hop, message) => {
    expectVoxelwiseError(
      () => createSpeechExtractor(speechOptionsSchema.parse({ model: 'm', layer: 0, chunkSize: 0.2, hop })),
      'E_OPTIONS_INVALID',
      message,
    );
  });
});

describe('the readout hop against the float64 numpy reference', () => {
  const dirs: Record<string, string> = {};
  beforeAll(async () => {
    dirs['whisper'] = tempDir();
    dirs['wav2vec2'] = tempDir();
    await createTinyWhisperEncoder(dirs['whisper'], fixture.models.whisper);
    await createTinyWav2vec2(dirs['wav2vec2'], fixture.models.wav2vec2);
  });
  const run = async (model: string, extra: Record<string, unknown>) => {
    const ex = createSpeechExtractor(
      speechOptionsSchema.parse({ model: dirs[model], layer: 'last', cache: false, batchSize: 1, ...fixture.windows, ...extra }),
    );
    const got = await ex.extractAll(audioStory('tones', WAV, SECONDS), createContext({ cacheDir: tempDir() }));
    await ex.dispose?.();
    return got;
  };

  it.each(fixture.cases.map((c) => [`${c.model} hop=${c.hop} pool=${c.pool} input=${c.input}`, c] as const))('%s', async (_, c) => {
    const got = await run(c.model, { pool: c.pool, whisperInput: c.input, hop: c.hop, batchSize: 2 });
    // Same rows and times as without the hop.
    expect(Array.from(got.times)).toEqual(exact.cases[0]!.times);
    expect(Array.from(got.times)).toEqual(c.times);
    c.layers.forEach((rows, l) => {
      const want = rows.flat();
      const scale = Math.max(...want.map(Math.abs));
      expect(maxAbsDiff(got.layers[l]!, want) / scale, `layer ${l}`).toBeLessThan(1e-5);
    });
  });

  it('reads different rows than exact mode for the earlier windows of a pass (they see later audio)', () => {
    const hop = fixture.cases.find((c) => c.model === 'whisper' && c.pool === 'last' && c.input === 'padded' && c.hop === 0.4)!;
    const ref = exact.cases.find((c) => c.model === 'whisper' && c.pool === 'last' && c.frames === 'real' && c.input === 'padded')!;
    expect(maxAbsDiff(hop.layers[1]![0]!, ref.layers[1]![0]!)).toBeGreaterThan(1e-3);
  });

  // The last window of a pass is the end of the pass: its row is the exact path's with
  // contextSize + hop − chunkSize, bit for bit (same audio, same frame, same graph).
  it.each([
    ['whisper', 'padded', 2],
    ['whisper', 'padded', 3],
    ['whisper', 'trimmed', 2],
    ['wav2vec2', 'padded', 3],
  ] as const)('%s input=%s: the last readout of each pass of %i equals exact mode with the pass as its window', async (model, input, k) => {
    const { chunkSize, contextSize } = fixture.windows;
    const hop = k * chunkSize;
    const got = await run(model, { pool: 'last', whisperInput: input, hop });
    const wider = await run(model, {
      pool: 'last',
      whisperInput: input,
      contextSize: (16000 * contextSize + 16000 * (hop - chunkSize)) / 16000,
    });
    const n = got.times.length;
    const d = fixture.models[model].dModel;
    const lasts = speechPasses(speechWindows(SECONDS * 16000, 16000, chunkSize, contextSize), k).map((p) => p.first + p.count - 1);
    // Every pass end is a window end of the wider exact path (which has windows in between too).
    expect(lasts.length).toBe(Math.ceil(n / k));
    lasts.forEach((row) => {
      const j = Array.from(wider.times).indexOf(got.times[row]!);
      expect(j, `time ${got.times[row]}`).toBeGreaterThanOrEqual(0);
      got.layers.forEach((layer, l) => {
        expect(Array.from(layer.subarray(row * d, (row + 1) * d)), `layer ${l} row ${row}`).toEqual(
          Array.from(wider.layers[l]!.subarray(j * d, (j + 1) * d)),
        );
      });
    });
    expect(n).toBe(4);
  });

  it('refuses a Whisper pass longer than 30 s and the padded-frame rule with a hop, naming the option', async () => {
    const story = audioStory('tones', WAV, SECONDS);
    const ctx = createContext({ cacheDir: tempDir() });
    const long = createSpeechExtractor(
      speechOptionsSchema.parse({ model: dirs['whisper'], layer: 0, chunkSize: 0.2, contextSize: 1, hop: 30.2, cache: false }),
    );
    await expectVoxelwiseError(() => long.extract(story, ctx), 'E_OPTIONS_INVALID', /"hop" \(30\.2 s\).*31 s of audio, more than the 30 s/);
    const padded = createSpeechExtractor(
      speechOptionsSchema.parse({
        model: dirs['whisper'],
        layer: 0,
        chunkSize: 0.2,
        contextSize: 1,
        hop: 0.4,
        whisperFrames: 'padded',
        cache: false,
      }),
    );
    await expectVoxelwiseError(() => padded.extract(story, ctx), 'E_OPTIONS_INVALID', /"hop" needs whisperFrames: "real"/);
    await long.dispose?.();
    await padded.dispose?.();
  });
});
