import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { encodeNpy, importByo, openAssembly, openByo, simulateSubject } from '../src/index.js';
import { tmp } from './helpers.js';

/** A simulated subject in the bring-your-own layout; the test story also gets `repeats/<k>.npy`. */
async function writeByoWithRepeats(root: string, repeats: number) {
  const sim = await simulateSubject({ seed: 3, stories: 2, duration: 40, voxels: 5, testRepeats: repeats });
  writeFileSync(
    join(root, 'byo.json'),
    JSON.stringify({ tr: 2, firstTrTime: -9, trim: { start: 10, end: 5 }, testStories: [sim.truth.testStory] }),
  );
  for (const name of sim.assembly.storyNames) {
    const s = await sim.assembly.story(name);
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'words.tsv'), s.words.text.map((w, j) => `${w}\t${s.words.onset[j]}\t${s.words.offset[j]}`).join('\n'));
    writeFileSync(join(dir, 'responses.npy'), encodeNpy(await s.responses()));
    if (s.nRepeats) {
      mkdirSync(join(dir, 'repeats'));
      // Named so that a plain string sort would put 10 before 2.
      for (let k = 0; k < s.nRepeats; k++) writeFileSync(join(dir, 'repeats', `${k}.npy`), encodeNpy(await s.repeatResponses!(k)));
    }
  }
  return sim;
}

describe('bring-your-own repeats', () => {
  it('reads repeats/<k>.npy of a story as its repeats, in numeric order, and the Arrow import keeps them', async () => {
    const root = tmp();
    const sim = await writeByoWithRepeats(root, 11);
    const byo = await openByo({ root });
    const name = sim.truth.testStory;
    const [a, b] = await Promise.all([byo.story(name), sim.assembly.story(name)]);
    expect(a.nRepeats).toBe(11);
    for (const k of [0, 2, 10]) {
      const got = await a.repeatResponses!(k, { voxelStart: 1, voxelEnd: 4 });
      const want = await b.repeatResponses!(k, { voxelStart: 1, voxelEnd: 4 });
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
    }
    await expect(a.repeatResponses!(11)).rejects.toMatchObject({ code: 'E_DATA_INVALID' });
    const other = sim.assembly.storyNames.find((n) => n !== name)!;
    expect((await byo.story(other)).nRepeats).toBeUndefined();
    const out = join(tmp(), 'arrow');
    await importByo({ root }, out);
    const imported = await (await openAssembly(out)).story(name);
    expect(imported.nRepeats).toBe(11);
    expect(Array.from((await imported.repeatResponses!(10)).data)).toEqual(Array.from((await b.repeatResponses!(10)).data));
  }, 60_000);

  it('refuses a repeats folder with one file or a repeat of another shape, naming the file', async () => {
    const root = tmp();
    const sim = await writeByoWithRepeats(root, 2);
    const folder = join(root, sim.truth.testStory, 'repeats');
    writeFileSync(join(folder, '1.npy'), encodeNpy({ rows: 3, cols: 5, data: new Float32Array(15) }));
    await expectVoxelwiseError(() => openByo({ root }), 'E_SHAPE_MISMATCH', /1\.npy/);
    const root2 = tmp();
    const sim2 = await writeByoWithRepeats(root2, 2);
    rmSync(join(root2, sim2.truth.testStory, 'repeats', '1.npy'));
    await expectVoxelwiseError(() => openByo({ root: root2 }), 'E_DATA_INVALID', /repeats need at least two/);
  }, 60_000);
});
