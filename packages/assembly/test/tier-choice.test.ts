import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { chooseWordTier, formatTextGrid, openLebel, parseTextGrid, validateAssembly, writeAssembly } from '../src/index.js';
import type { IntervalTier, TextGrid } from '../src/index.js';
import { makeLebel, tmp, words } from './helpers.js';

const PH = ['AH0', 'B', 'IY1', 'K', 'T', 'S', 'ER0', 'N', 'D', 'L'];

/** A word tier of `n` words and a phone tier of three ARPAbet phones per word. */
function tiers(n: number, names: [string, string] = ['', '']): [IntervalTier, IntervalTier] {
  const w = words(n);
  const word: IntervalTier = {
    kind: 'interval',
    name: names[1],
    xmin: 0,
    xmax: 100,
    intervals: w.map(([a, b, t]) => ({ xmin: a, xmax: b, text: `${t}x` })),
  };
  const phone: IntervalTier = {
    kind: 'interval',
    name: names[0],
    xmin: 0,
    xmax: 100,
    intervals: w.flatMap(([a, b], i) =>
      [0, 1, 2].map((k) => ({ xmin: a + ((b - a) * k) / 3, xmax: a + ((b - a) * (k + 1)) / 3, text: PH[(i + k) % PH.length]! })),
    ),
  };
  return [phone, word];
}

const grid = (t: IntervalTier[]): TextGrid => parseTextGrid(formatTextGrid({ xmin: 0, xmax: 100, tiers: t }));

describe('TextGrid word-tier choice', () => {
  it('chooses by name, case-insensitively (word/words, phone/phones)', () => {
    const [p, w] = tiers(30, ['Phones', 'WORDS']);
    expect(chooseWordTier(grid([w, p]), 'f').name).toBe('WORDS');
    const [p2, w2] = tiers(30, ['phone', 'transcript']);
    expect(chooseWordTier(grid([w2, p2]), 'f').name).toBe('transcript');
    const [p3, w3] = tiers(30, ['S01 - phones', 'S01 - words']);
    expect(chooseWordTier(grid([p3, w3]), 'f').name).toBe('S01 - words');
  });

  it('tells unnamed swapped tiers apart by their ARPAbet labels, whatever their order', () => {
    const [p, w] = tiers(30);
    expect(chooseWordTier(grid([p, w]), 'f').intervals[0]!.text).toBe('w0x');
    expect(chooseWordTier(grid([w, p]), 'f').intervals[0]!.text).toBe('w0x');
  });

  it('falls back to interval counts and durations when labels do not decide', () => {
    const [p, w] = tiers(30);
    const phonesAsText: IntervalTier = { ...p, intervals: p.intervals.map((iv, i) => ({ ...iv, text: `p${i}` })) };
    expect(chooseWordTier(grid([w, phonesAsText]), 'f').intervals[0]!.text).toBe('w0x');
  });

  it('refuses, naming the file, when it cannot tell', async () => {
    const [, w] = tiers(30);
    await expectVoxelwiseError(
      () => chooseWordTier(grid([w, { ...w }]), 'story.TextGrid'),
      'E_FILE_FORMAT',
      'story.TextGrid: cannot tell which tier holds the words',
    );
    const [p] = tiers(30);
    await expectVoxelwiseError(
      () => chooseWordTier(grid([p]), 'one.TextGrid'),
      'E_FILE_FORMAT',
      'only interval tier "" holds ARPAbet phones',
    );
  });

  it('imports a LeBel story whose unnamed tiers are swapped with the real words', async () => {
    const root = await makeLebel([{ name: 'alpha', respdict: 60, intervals: words(80), voxels: 3 }]);
    const [p, w] = tiers(80);
    writeFileSync(join(root, 'derivative', 'TextGrids', 'alpha.TextGrid'), formatTextGrid({ xmin: 0, xmax: 100, tiers: [w, p] }));
    const s = await (await openLebel({ root, subject: 'UTS02' })).story('alpha');
    expect(s.words.text.slice(0, 2)).toEqual(['w0x', 'w1x']);
  });

  it('validate flags an assembly whose words are the phone tier', async () => {
    // An assembly written before the tier check: its "words" are the phone labels.
    const root = await makeLebel([{ name: 'alpha', respdict: 60, intervals: words(80), voxels: 3 }]);
    const src = await openLebel({ root, subject: 'UTS02' });
    const good = await src.story('alpha');
    const phones = Array.from({ length: 80 }, (_, i) => PH[i % PH.length]!);
    const bad = { ...good, words: { ...good.words, text: phones, lower: phones.map((x) => x.toLowerCase()) } };
    const out = join(tmp(), 'phones.vw');
    await expectVoxelwiseError(
      () => writeAssembly({ ...src, story: async () => bad }, out),
      'E_DATA_INVALID',
      'story "alpha": the words are ARPAbet phone labels ("AH0", "B", "IY1"',
    );
    const report = await validateAssembly({ ...src, story: async () => bad }, { timingOnly: true });
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.message).join('\n')).toContain('the phone tier was read as the word tier');
  });
});
