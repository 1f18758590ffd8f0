import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateSubject, writeSimulatedLebel } from '@voxelwise/assembly';
import { createTinyWhisperEncoder, encodeWav } from '@voxelwise/features-speech';
import { runCli } from './run-cli.js';

describe('the README speech tutorial configuration', () => {
  it('runs from one config file on a ds003020 layout with stimuli/<story>.wav', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-speech-tutorial-'));
    const root = join(dir, 'ds003020');
    const sim = await simulateSubject({ seed: 6, stories: 3, duration: 40, voxels: 5, subject: 'UTS03', testRepeats: 1 });
    await writeSimulatedLebel(sim, root);
    mkdirSync(join(root, 'stimuli'));
    for (const [k, name] of sim.assembly.storyNames.entries()) {
      const story = await sim.assembly.story(name);
      const seconds = story.trTimes[story.trTimes.length - 1]! + 1;
      const x = Float32Array.from(
        { length: Math.round(seconds * 16000) },
        (_, i) => 0.3 * Math.sin((2 * Math.PI * (200 + 40 * k) * i) / 16000),
      );
      writeFileSync(join(root, 'stimuli', `${name}.wav`), encodeWav([x], 16000));
    }
    // A Whisper-shaped model with the 4 blocks layer 3 needs (whisper-tiny has 4).
    const model = (await createTinyWhisperEncoder(join(dir, 'whisper'), { seed: 1, layers: 4, dModel: 16, heads: 2 })).dir;
    const config = join(dir, 'speech.yaml');
    writeFileSync(
      config,
      [
        `outDir: ${join(dir, 'results')}`,
        `cacheDir: ${join(dir, 'cache')}`,
        `assembly: { name: lebel, options: { root: ${root}, subject: UTS03 } }`,
        'features:',
        '  - name: speech',
        `    options: { model: ${model}, layer: 3, chunkSize: 0.5, contextSize: 16, pool: last }`,
        'delays: [1, 2, 3, 4]',
        'preset: litcoder',
        'model: { name: ridge-cv, options: { alphas: [1, 100, 10000] } }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['train', '--config', config, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [run] = readdirSync(join(dir, 'results'));
    const saved = JSON.parse(readFileSync(join(dir, 'results', run!, 'config.json'), 'utf8')) as {
      features: Array<{ name: string; options: Record<string, unknown> }>;
    };
    expect(saved.features[0]).toMatchObject({
      name: 'speech',
      options: { layer: 3, contextSize: 16, pool: 'last' },
    });
  }, 300_000);
});
