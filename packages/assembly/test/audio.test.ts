import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, importLebel, openAssembly, openByo, openLebel, simulateSubject, writeSimulatedLebel } from '../src/index.js';
import { tmp } from './helpers.js';

describe('story audio', () => {
  it('LeBel picks up stimuli/<story>.wav; the import records its absolute path and SHA-256, the audio stays put', async () => {
    const sim = await simulateSubject({ seed: 3, stories: 3, duration: 30, voxels: 4, subject: 'UTS01', testRepeats: 1 });
    const root = join(tmp(), 'ds003020');
    await writeSimulatedLebel(sim, root);
    const [withAudio, without] = sim.assembly.storyNames;
    mkdirSync(join(root, 'stimuli'), { recursive: true });
    const bytes = Buffer.from('RIFF-not-really-audio');
    writeFileSync(join(root, 'stimuli', `${withAudio}.wav`), bytes);

    const lebel = await openLebel({ root, subject: 'UTS01' });
    expect((await lebel.story(withAudio!)).audio).toEqual({ path: join(root, 'stimuli', `${withAudio}.wav`) });
    expect((await lebel.story(without!)).audio).toBeUndefined();

    const out = join(tmp(), 'UTS01.vw');
    await importLebel({ root, subject: 'UTS01' }, out, {});
    const native = await openAssembly(out);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect((await native.story(withAudio!)).audio).toEqual({ path: join(root, 'stimuli', `${withAudio}.wav`), sha256 });
    expect(native.manifest.stories.find((s) => s.name === withAudio)?.audio?.sha256).toBe(sha256);
    expect((await native.story(without!)).audio).toBeUndefined();
  });

  it('BYO takes <story>/audio.wav (or audio.flac) as the story audio', async () => {
    const root = tmp();
    for (const [name, audio] of [
      ['a', 'audio.wav'],
      ['b', 'audio.flac'],
      ['c', null],
    ] as const) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'words.tsv'), 'word\tonset\toffset\nhello\t0.5\t0.9\nworld\t1.0\t1.4\n');
      writeFileSync(join(root, name, 'responses.npy'), encodeNpy({ rows: 3, cols: 2, data: new Float32Array(6).map((_, i) => i) }));
      if (audio) writeFileSync(join(root, name, audio), 'x');
    }
    const byo = await openByo({ root, tr: 1 });
    expect((await byo.story('a')).audio).toEqual({ path: join(root, 'a', 'audio.wav') });
    expect((await byo.story('b')).audio).toEqual({ path: join(root, 'b', 'audio.flac') });
    expect((await byo.story('c')).audio).toBeUndefined();
  });
});
