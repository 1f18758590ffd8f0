import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  importLebel,
  isLebelNonWord,
  lebelTrTimes,
  lebelWords,
  openAssembly,
  openLebel,
  parseTextGrid,
  simulateSubject,
  validateAssembly,
  verifyAssemblyFiles,
  writeSimulatedLebel,
} from '../src/index.js';
import { expectSameAssembly, expectSameStory, makeLebel, tmp, words } from './helpers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('Huth conventions', () => {
  it('drops non-speech labels exactly as dsutils.make_word_ds does', () => {
    for (const t of ['sp', 'SP', '{SP}', '{BR}', '{lg}', '{NS}', 'ls', 'sentence_start', 'SENTENCE_END', ' sp ', '{{br}}', '{sp ', ' sp}'])
      expect(isLebelNonWord(t)).toBe(true);
    // Kept: empty words, real words, and Python's strip("{}") order (braces before spaces).
    for (const t of ['', ' ', 'spin', 'br.', ' {LG}', '{sp} ', 'breath', 'um']) expect(isLebelNonWord(t)).toBe(false);
  });

  it('builds the respdict − 5 TR grid at 2k − 9 s', () => {
    expect(Array.from(lebelTrTimes(10))).toEqual([-9, -7, -5, -3, -1]);
    expect(lebelTrTimes(5).length).toBe(0);
    expect(lebelTrTimes(300)[294]).toBe(579);
  });

  it('takes the tier named "word", else the second tier, keeping text and a lower-cased form', () => {
    const grid = parseTextGrid(
      'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n3\n<exists>\n3\n"IntervalTier"\n"Word"\n0\n3\n3\n0\n1\n"Hello"\n1\n2\n"{SP}"\n2\n3\n""\n"IntervalTier"\n"phone"\n0\n3\n1\n0\n3\n"HH"\n"IntervalTier"\n"other"\n0\n3\n1\n0\n3\n"x"\n',
    );
    const w = lebelWords(grid, 'g');
    expect(w.text).toEqual(['Hello', '']);
    expect(w.lower).toEqual(['hello', '']);
    expect(Array.from(w.onset)).toEqual([0, 2]);
    const unnamed = parseTextGrid(
      'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n1\n<exists>\n2\n"IntervalTier"\n"a"\n0\n1\n1\n0\n1\n"AH"\n"IntervalTier"\n"b"\n0\n1\n1\n0\n1\n"Yes"\n',
    );
    expect(lebelWords(unnamed, 'u').text).toEqual(['Yes']);
  });

  it("matches Huth's own code on every TextGrid variant (known answer)", async () => {
    // huth-lebel-mini.json: HuthLab/deep-fMRI-dataset ridge_utils run unmodified on fixtures/lebel-mini
    // (tools/reference/assembly-huth-reference.py via tools/reference/assembly-lebel-fixtures.ts).
    const huth = JSON.parse(readFileSync(join(fixtures, 'huth-lebel-mini.json'), 'utf8')) as {
      stories: Record<string, { words: string[]; data_times: number[]; tr_times: number[]; split_inds: number[] }>;
    };
    const assembly = await openLebel({ root: join(fixtures, 'lebel-mini'), subject: 'UTS01' });
    expect(assembly.storyNames).toEqual(Object.keys(huth.stories).sort());
    expect(assembly.testStories).toEqual(['wheretheressmoke']);
    const encodings = new Set<string>();
    for (const name of assembly.storyNames) {
      const s = await assembly.story(name);
      const ref = huth.stories[name]!;
      expect(s.words.lower).toEqual(ref.words);
      expect(Array.from(s.wordTimes)).toEqual(ref.data_times);
      expect(Array.from(s.trTimes)).toEqual(ref.tr_times);
      // Huth split_inds: number of word onsets before each TR's end, minus the last TR.
      const split = Array.from(s.trTimes.slice(0, -1), (t) => s.words.onset.filter((o) => o < t - 1 + 2).length);
      expect(split).toEqual(ref.split_inds);
      expect(s.nResponseRows).toBe(s.trTimes.length - 15);
      const tg = s.metadata?.['textgrid'] as { encoding: string; format: string };
      encodings.add(`${tg.encoding}/${tg.format}`);
    }
    expect(encodings.size).toBe(6);
  });
});

describe('LeBel import of a simulated subject', () => {
  it('imports, validates and round-trips through Arrow to exactly what the simulator wrote', async () => {
    const sim = await simulateSubject({ seed: 5, stories: 7, duration: 45, voxels: 37, subject: 'UTS03', testRepeats: 2 });
    const root = join(tmp(), 'ds003020');
    await writeSimulatedLebel(sim, root);
    const lebel = await openLebel({ root, subject: 'UTS03' });
    await expectSameAssembly(lebel, sim.assembly);
    for (const n of lebel.storyNames)
      await expectSameStory(await lebel.story(n), await sim.assembly.story(n), { voxelStart: 5, voxelEnd: 30 });

    const out = join(tmp(), 'UTS03.vw');
    const events: string[] = [];
    const result = await importLebel({ root, subject: 'UTS03' }, out, { voxelChunk: 8, emit: (e) => events.push(e.type) });
    expect(result.warnings).toEqual([]);
    expect(events).toContain('stage:progress');
    const native = await openAssembly(out);
    await expectSameAssembly(native, sim.assembly);
    // Voxel ranges that start and end inside record batches.
    for (const n of native.storyNames)
      await expectSameStory(await native.story(n), await sim.assembly.story(n), { voxelStart: 3, voxelEnd: 21 });
    expect(native.manifest.trimming).toBe('lebel');
    const s0 = native.manifest.stories[0]!;
    const sources = (s0.metadata?.['source'] as { files: Array<{ role: string; sha256: string }> }).files;
    expect(sources.map((f) => f.role)).toEqual(['textgrid', 'responses']);
    for (const f of sources) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await validateAssembly(native)).ok).toBe(true);
    expect(await verifyAssemblyFiles(native.dir, native.manifest)).toEqual([]);
  });
});

describe('LeBel errors', () => {
  const ok = (name: string, extra: Partial<Parameters<typeof makeLebel>[0][number]> = {}) => ({
    name,
    respdict: 60,
    intervals: words(80),
    voxels: 4,
    ...extra,
  });

  it('fails on response rows that do not equal respdict − 20, naming the story and both counts', async () => {
    const root = await makeLebel([ok('alpha'), ok('beta', { rows: 45 })]);
    await expectVoxelwiseError(
      () => openLebel({ root, subject: 'UTS02' }),
      'E_ALIGNMENT',
      'story "beta"',
      'beta.hf5 has 45 response rows',
      'respdict.json gives 60 TRs',
      'respdict − 20 = 40 rows',
    );
  });

  it('fails when the voxel count differs across stories, naming the story and file', async () => {
    const root = await makeLebel([ok('alpha'), ok('beta', { voxels: 5 })]);
    await expectVoxelwiseError(
      () => openLebel({ root, subject: 'UTS02' }),
      'E_SHAPE_MISMATCH',
      'story "beta" has 5 voxels',
      'beta.hf5',
      'story "alpha" has 4',
    );
  });

  it('names missing folders, subjects and files', async () => {
    const root = await makeLebel([ok('alpha')]);
    await expectVoxelwiseError(() => openLebel({ root, subject: 'UTS09' }), 'E_FILE_NOT_FOUND', 'subject "UTS09"', 'Subjects found: UTS02');
    await expectVoxelwiseError(() => openLebel({ root: tmp(), subject: 'UTS02' }), 'E_FILE_NOT_FOUND', 'not a LeBel ds003020 directory');
    await expectVoxelwiseError(
      () => openLebel({ root, subject: 'UTS02', stories: ['alpha', 'gamma'] }),
      'E_FILE_NOT_FOUND',
      'story "gamma" is missing',
      'gamma.TextGrid',
      'gamma.hf5',
    );
    await expectVoxelwiseError(() => openLebel({ root, subject: 'UTS02', testStories: ['zeta'] }), 'E_CONFIG_INVALID', 'test story "zeta"');
  });

  it('skips stories lacking a file, with a log event, and defaults the test story only when present', async () => {
    const root = await makeLebel([ok('alpha'), ok('beta')]);
    writeFileSync(
      join(root, 'derivative', 'TextGrids', 'orphan.TextGrid'),
      readFileSync(join(root, 'derivative', 'TextGrids', 'alpha.TextGrid')),
    );
    const logs: string[] = [];
    const a = await openLebel({ root, subject: 'UTS02', emit: (e) => e.type === 'log' && logs.push(e.message) });
    expect(a.storyNames).toEqual(['alpha', 'beta']);
    expect(a.testStories).toEqual([]);
    expect(logs.join('\n')).toContain('"orphan" skipped (no response file)');
  });

  it('refuses words out of order or overlapping, and empty stories', async () => {
    const swapped = words(10);
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    const r1 = await makeLebel([ok('alpha', { intervals: swapped })]);
    await expectVoxelwiseError(
      () => importLebel({ root: r1, subject: 'UTS02' }, join(tmp(), 'o')),
      'E_DATA_INVALID',
      'story "alpha": words are out of order: word 5 "w3"',
      'alpha.TextGrid',
    );
    const r2 = await makeLebel([
      ok('alpha', {
        intervals: [
          [1, 2, 'one'],
          [1.5, 2.5, 'two'],
        ],
      }),
    ]);
    await expectVoxelwiseError(
      () => importLebel({ root: r2, subject: 'UTS02' }, join(tmp(), 'o')),
      'E_DATA_INVALID',
      'word 2 "two" (1.5–2.5 s) overlaps word 1 "one"',
    );
    const r3 = await makeLebel([
      ok('alpha', {
        intervals: [
          [0, 1, 'sp'],
          [1, 2, '{BR}'],
        ],
      }),
    ]);
    await expectVoxelwiseError(
      () => importLebel({ root: r3, subject: 'UTS02' }, join(tmp(), 'o')),
      'E_DATA_INVALID',
      'story "alpha" has no words',
      'alpha.TextGrid',
    );
  });

  it('lists NaN/Inf voxels, or zeroes them on request; flags constant voxels', async () => {
    const value = (i: number, v: number) =>
      v === 1 && i === 3 ? Number.NaN : v === 3 && i === 7 ? Number.POSITIVE_INFINITY : v === 2 ? 0.5 : Math.cos(i + v);
    const root = await makeLebel([ok('alpha', { value }), ok('beta')]);
    const out = join(tmp(), 'o.vw');
    await expectVoxelwiseError(
      () => importLebel({ root, subject: 'UTS02' }, out),
      'E_NOT_FINITE',
      'story "alpha": 2 voxels hold NaN or Inf responses (voxels 1, 3)',
      'alpha.hf5',
      '--zero-nonfinite',
    );
    expect(existsSync(out)).toBe(false);
    const res = await importLebel({ root, subject: 'UTS02' }, out, { nonFinite: 'zero' });
    expect(res.warnings.map((w) => w.message).join('\n')).toMatch(
      /NaN\/Inf responses were set to 0 in 2 voxels \(1, 3\)[\s\S]*1 voxels are constant \(voxels 2\)/,
    );
    const a = await openAssembly(out);
    expect(a.manifest.stories[0]!.zeroedVoxels).toEqual([1, 3]);
    expect(a.manifest.stories[0]!.constantVoxels).toEqual([2]);
    // The opened story carries them as a typed field, for the run's voxel flags.
    expect((await a.story('alpha')).zeroedVoxels).toEqual([1, 3]);
    const r = await (await a.story('alpha')).responses({ voxelStart: 1, voxelEnd: 4 });
    expect(r.data[3 * 3 + 0]).toBe(0);
    expect(r.data[7 * 3 + 2]).toBe(0);
    expect(r.data[0 * 3 + 1]).toBe(0.5);
    const report = await validateAssembly(a);
    expect(report.ok).toBe(true);
    expect(report.stories[0]!.constantVoxels).toEqual([2]);
  });

  it('reads float64 response files (rounded to float32)', async () => {
    const root = await makeLebel([ok('alpha')]);
    const { default: h5 } = await import('h5wasm/node');
    await h5.ready;
    const file = join(root, 'derivative', 'preprocessed_data', 'UTS02', 'alpha.hf5');
    const f = new h5.File(file, 'w');
    f.create_dataset({ name: 'data', data: Float64Array.from({ length: 160 }, (_, k) => k / 3), shape: [40, 4], dtype: '<d' });
    f.close();
    const s = await (await openLebel({ root, subject: 'UTS02' })).story('alpha');
    expect((await s.responses()).data[5]).toBe(Math.fround(5 / 3));
    expect(s.metadata?.['responseDtype']).toBe('float64');
    // And a file without a "data" dataset is named.
    const g = new h5.File(file, 'w');
    g.create_dataset({ name: 'bold', data: new Float32Array(160), shape: [40, 4], dtype: '<f4' });
    g.close();
    await expectVoxelwiseError(() => openLebel({ root, subject: 'UTS02' }), 'E_FILE_FORMAT', 'alpha.hf5: has no dataset "data"', 'bold');
  });
});
