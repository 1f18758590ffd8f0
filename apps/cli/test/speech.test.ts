import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryAssembly, memoryStory } from '@voxelwise/core';
import { writeAssembly } from '@voxelwise/assembly';
import { createTinyWav2vec2, encodeWav } from '@voxelwise/features-speech';
import { runCli } from './run-cli.js';

const SECONDS = 40;

/** Tones whose loudness follows a slow story-specific envelope; the voxels follow that envelope. */
function toneStory(name: string, k: number, dir: string) {
  // One story at 22.05 kHz stereo (resampled and mixed down), the others at the model's 16 kHz.
  const RATE = k === 0 ? 22050 : 16000;
  const n = SECONDS * RATE;
  const env = (t: number) => 0.5 + 0.45 * Math.sin((2 * Math.PI * t) / (11 + 3 * k) + k);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    left[i] = 0.4 * env(t) * Math.sin(2 * Math.PI * (200 + 50 * k) * t);
    right[i] = 0.4 * env(t) * Math.sin(2 * Math.PI * 1200 * t);
  }
  const file = join(dir, `${name}.wav`);
  writeFileSync(file, encodeWav([left, right], RATE, 'pcm16'));
  const nTr = SECONDS / 2;
  const trTimes = Float64Array.from({ length: nTr }, (_, i) => 1 + 2 * i);
  const data = new Float32Array(nTr * 3);
  for (let i = 0; i < nTr; i++) for (let v = 0; v < 3; v++) data[i * 3 + v] = (v + 1) * env(trTimes[i]! - 4) + 0.1 * Math.sin(7.3 * i + v);
  const words = { text: ['tone'], onset: Float64Array.of(1), offset: Float64Array.of(1.5) };
  const story = memoryStory({ name, words, trTimes, trim: { start: 0, end: 0 }, responses: { rows: nTr, cols: 3, data } });
  return { ...story, responses: story.responses.bind(story), audio: { path: file } };
}

describe('speech features through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vw-cli-speech-'));
  const cacheDir = join(dir, 'cache');
  const assemblyDir = join(dir, 'assembly');
  let modelDir: string;
  beforeAll(async () => {
    modelDir = (await createTinyWav2vec2(join(dir, 'w2v'), { seed: 4, layers: 2, dModel: 16, heads: 2 })).dir;
    const stories = ['alpha', 'beta', 'gamma', 'delta'].map((s, k) => toneStory(s, k, dir));
    await writeAssembly(memoryAssembly({ subject: 'S01', tr: 2, nVoxels: 3 }, stories, ['delta']), assemblyDir);
  });

  it('features extract --extractor speech fills the cache per story, then reads it; cache ls lists it', async () => {
    const args = [
      'features',
      'extract',
      '-x',
      'speech',
      '-a',
      assemblyDir,
      '-m',
      modelDir,
      '--chunk-size',
      '0.5',
      '--context-size',
      '2',
      '--cache-dir',
      cacheDir,
      '--quiet',
    ];
    const first = await runCli(args);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/wav2vec2, 2 layers × 16, 16000 Hz/);
    // LITcoder: (40 s − 2 s) / 0.5 s + 1 windows.
    expect(first.out).toMatch(/alpha\s+77 windows\s+computed/);
    const second = await runCli(args);
    expect(second.out).toMatch(/alpha\s+77 windows\s+cached/);
    const ls = await runCli(['cache', 'ls', '--cache-dir', cacheDir]);
    expect(ls.code).toBe(0);
    expect(ls.out).toMatch(/alpha .*0\.5\/2\s+last\s+2×16\s+77/);
    expect(ls.out).toMatch(/4 files, .*features-speech/);
    expect((await runCli(['cache', 'verify', '--cache-dir', cacheDir])).out).toMatch(/4 ok, 0 invalid/);
    const json = JSON.parse((await runCli(['cache', 'ls', '--json', '--cache-dir', cacheDir])).out) as Array<{ kind?: string }>;
    expect(json.filter((e) => e.kind === 'speech')).toHaveLength(4);
    const cleared = await runCli(['cache', 'clear', '--story', 'delta', '--cache-dir', cacheDir]);
    expect(cleared.out).toMatch(/removed 1 file .*features-speech/);
    expect((await runCli(args)).out).toMatch(/delta\s+77 windows\s+computed/);
    const misplaced = await runCli([...args, '--lookback', '8']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toMatch(/--lookback applies to --extractor lm only/);
  });

  it('features extract --hop reads several windows per encoder pass (same rows); a bad hop is a usage error', async () => {
    const base = ['features', 'extract', '-x', 'speech', '-a', assemblyDir, '-m', modelDir, '--chunk-size', '0.5', '--context-size', '2'];
    const hop = await runCli([...base, '--hop', '1.5', '--stories', 'alpha', '--cache-dir', join(dir, 'hop-cache'), '--quiet']);
    expect(hop.err).toBe('');
    expect(hop.out).toMatch(/alpha\s+77 windows\s+computed/);
    // cache ls tells a hop file from the exact one.
    expect((await runCli(['cache', 'ls', '--cache-dir', join(dir, 'hop-cache')])).out).toMatch(/alpha .*0\.5\/2 hop 1\.5\s+last/);
    const bad = await runCli([...base, '--hop', '0.7', '--stories', 'alpha', '--cache-dir', join(dir, 'hop-cache'), '--quiet']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/"hop" \(0\.7 s\) must be a whole multiple of option "chunkSize" \(0\.5 s\)/);
    // --whisper-input reaches the stage's schema (an unknown value is refused there).
    const input = await runCli([
      ...base,
      '--whisper-input',
      'cropped',
      '--stories',
      'alpha',
      '--cache-dir',
      join(dir, 'hop-cache'),
      '--quiet',
    ]);
    expect(input.code).toBe(2);
    expect(input.err).toMatch(/whisperInput/);
  });

  it('voxelwise train fits speech features (feature times, not word times) from one config', async () => {
    const config = join(dir, 'speech.json');
    writeFileSync(
      config,
      JSON.stringify({
        outDir: join(dir, 'results'),
        cacheDir,
        assembly: { name: 'arrow', options: { path: assemblyDir } },
        features: [{ name: 'speech', options: { model: modelDir, layer: 'last', chunkSize: 0.5, contextSize: 2, pool: 'mean' } }],
        delays: [1, 2],
        model: { name: 'ridge-cv', options: { alphas: [0.1, 1, 10, 100], nFolds: 3 } },
      }),
    );
    const r = await runCli(['train', '--config', config, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const runs = readdirSync(join(dir, 'results'));
    expect(runs).toHaveLength(1);
    const run = JSON.parse(readFileSync(join(dir, 'results', runs[0]!, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(run)).toContain('speech');
  });
});
