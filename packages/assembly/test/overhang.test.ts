import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { encodeNpy, importByo, importLebel, openAssembly, openByo, openLebel, readManifest, validateAssembly } from '../src/index.js';
import { makeLebel, tmp, words } from './helpers.js';

const ok = (name: string, extra: Partial<Parameters<typeof makeLebel>[0][number]> = {}) => ({
  name,
  respdict: 60,
  intervals: words(80),
  voxels: 4,
  ...extra,
});

const warnings = (events: VoxelwiseEvent[]) =>
  events.filter((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('past the end of the scan'));

describe('speech past the end of the scan grid', () => {
  // respdict 60 → 55 grid TRs at 2k − 9 s: the last TR is centred at 99 s, the grid ends at 100 s.
  const late: Array<[number, number, string]> = [...words(80), [99.8, 100.6, 'late'], [100.6, 101.4, 'later']];

  it('imports a LeBel story whose speech overhangs the grid, warns once and records it in the manifest', async () => {
    const root = await makeLebel([ok('alpha'), ok('beta', { intervals: late })]);
    const out = join(tmp(), 'out.vw');
    const events: VoxelwiseEvent[] = [];
    const result = await importLebel({ root, subject: 'UTS02' }, out, { emit: (e) => events.push(e) });
    const w = warnings(events);
    expect(w).toHaveLength(1);
    expect(w[0]!.type === 'log' && w[0]!.message).toContain('story "beta": 2 words run past the end of the scan by up to 1 s');
    expect(w[0]!.type === 'log' && w[0]!.details).toMatchObject({ story: 'beta', overhangWords: 2, overhangSeconds: 1 });
    const entry = (await readManifest(out)).stories.find((s) => s.name === 'beta')!;
    expect(entry.overhang).toEqual({ words: 2, seconds: 1, gridEnd: 100 });
    expect(result.manifest.stories.find((s) => s.name === 'alpha')!.overhang).toBeUndefined();
    const imported = await openAssembly(out);
    expect((await imported.story('beta')).overhang).toEqual({ words: 2, seconds: 1, gridEnd: 100 });
    expect((await validateAssembly(imported)).ok).toBe(true);
  });

  it('gives the in-place lebel source the same overhang, with a warning', async () => {
    const root = await makeLebel([ok('alpha'), ok('beta', { intervals: late })]);
    const events: VoxelwiseEvent[] = [];
    const a = await openLebel({ root, subject: 'UTS02', emit: (e) => events.push(e) });
    expect((await a.story('beta')).overhang).toEqual({ words: 2, seconds: 1, gridEnd: 100 });
    expect((await a.story('alpha')).overhang).toBeUndefined();
    await a.story('beta');
    expect(warnings(events)).toHaveLength(1);
  });

  /** A bring-your-own story: 80 words, 50 TRs of 2 s (grid 0–100 s), responses trimmed `trim`. */
  function byoRoot(trim: { start: number; end: number }, intervals = late): string {
    const root = tmp();
    const dir = join(root, 'story');
    mkdirSync(dir);
    writeFileSync(join(dir, 'words.tsv'), intervals.map(([a, b, t]) => `${t}\t${a}\t${b}`).join('\n'));
    const rows = 50 - trim.start - trim.end;
    writeFileSync(
      join(dir, 'responses.npy'),
      encodeNpy({ rows, cols: 2, data: Float32Array.from({ length: rows * 2 }, (_, i) => Math.sin(i)) }),
    );
    writeFileSync(join(root, 'byo.json'), JSON.stringify({ tr: 2, trim, nTRs: { story: 50 } }));
    return root;
  }

  it('refuses an overhang that would reach kept rows (an end trim under 3 TRs), naming story and numbers', async () => {
    const root = byoRoot({ start: 0, end: 0 });
    const a = await openByo({ root });
    await expectVoxelwiseError(
      () => a.story('story'),
      'E_ALIGNMENT',
      'story "story": word 81 "late" at 100.2 s is past the end of the scan (the last TR ends at 100 s; 2 words overhang it by up to 1 s)',
      'within 3 TRs of the last kept TR (TR 49 at 99 s)',
      'words.tsv',
    );
    const out = join(tmp(), 'o.vw');
    await expectVoxelwiseError(() => importByo({ root }, out), 'E_ALIGNMENT', 'would change kept response rows');
  });

  it('accepts the same overhang in a byo dataset trimmed 3 TRs at the end', async () => {
    const events: VoxelwiseEvent[] = [];
    const a = await openByo({ root: byoRoot({ start: 0, end: 3 }), emit: (e) => events.push(e) });
    expect((await a.story('story')).overhang).toEqual({ words: 2, seconds: 1, gridEnd: 100 });
    expect(warnings(events)).toHaveLength(1);
  });
});

describe('the same word-timing checks for every source', () => {
  const overlapping: Array<[number, number, string]> = [...words(10), [4.2, 4.6, 'clash']];

  it('in-place lebel refuses overlapping words as an import does', async () => {
    const root = await makeLebel([ok('alpha', { intervals: overlapping })]);
    const a = await openLebel({ root, subject: 'UTS02' });
    await expectVoxelwiseError(
      () => a.story('alpha'),
      'E_DATA_INVALID',
      'story "alpha": word 11 "clash" (4.2–4.6 s) overlaps word 10 "w9"',
      'alpha.TextGrid',
    );
  });

  it('byo refuses negative, overlapping and out-of-order times', async () => {
    const cases: Array<[Array<[number, number, string]>, string]> = [
      [[[-1, 0.5, 'early'], ...words(5, 1)], 'word 1 "early" starts at a negative time (-1 s)'],
      [[...words(5), [2.2, 3, 'clash']], 'word 6 "clash" (2.2–3 s) overlaps word 5 "w4"'],
      [[...words(5), [0.6, 0.7, 'back']], 'words are out of order: word 6 "back"'],
    ];
    for (const [intervals, message] of cases) {
      const root = tmp();
      mkdirSync(join(root, 's'));
      writeFileSync(join(root, 's', 'words.tsv'), intervals.map(([a, b, t]) => `${t}\t${a}\t${b}`).join('\n'));
      writeFileSync(
        join(root, 's', 'responses.npy'),
        encodeNpy({ rows: 10, cols: 1, data: Float32Array.from({ length: 10 }, (_, i) => i) }),
      );
      const a = await openByo({ root, tr: 2 });
      await expectVoxelwiseError(() => a.story('s'), 'E_DATA_INVALID', `story "s": ${message}`);
    }
  });
});
