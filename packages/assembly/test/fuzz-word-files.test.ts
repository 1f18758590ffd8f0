import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGentleAlign, parseLppWords } from '../src/index.js';
import type { WordTable } from '@voxelwise/core';
import { FUZZ, applyDamage, codedOrValue, damage } from './fuzz-helpers.js';

const word = fc.string({ unit: fc.constantFrom('a', 'Z', "'", 'é', '你', '-', ' '), minLength: 1, maxLength: 6 });

/** A Gentle align.json: words in order, some not found in the audio. */
const gentle = fc
  .array(fc.tuple(word, fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.boolean()), {
    minLength: 1,
    maxLength: 30,
  })
  .map((parts) => {
    let t = 0;
    const words = parts.map(([w, gap, dur, found], j) => {
      t += gap;
      const start = t;
      t += dur;
      return found || j === 0
        ? { word: w, alignedWord: w.toLowerCase(), case: 'success', start, end: t }
        : { word: w, case: 'not-found-in-audio' };
    });
    return new TextEncoder().encode(JSON.stringify({ transcript: parts.map((p) => p[0]).join(' '), words }));
  });

/** An LPP annotation CSV with rows in any order. */
const annotation = fc
  .array(
    fc.tuple(
      word,
      fc.double({ min: 0, max: 600, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 9 }),
    ),
    {
      minLength: 1,
      maxLength: 40,
    },
  )
  .map((rows) =>
    new TextEncoder().encode(
      `word,onset,offset,section\n${rows.map(([w, on, d, s]) => `"${w.replace(/"/g, '""')}",${on},${on + d},${s}`).join('\n')}\n`,
    ),
  );

/** What every word table the parsers return satisfies: finite, ordered, non-overlapping times. */
function wellFormed(w: WordTable): void {
  expect(w.onset.length).toBe(w.text.length);
  expect(w.offset.length).toBe(w.text.length);
  for (let j = 0; j < w.text.length; j++) {
    expect(Number.isFinite(w.onset[j]!) && Number.isFinite(w.offset[j]!)).toBe(true);
    expect(w.offset[j]!).toBeGreaterThanOrEqual(w.onset[j]!);
    if (j > 0) {
      expect(w.onset[j]!).toBeGreaterThanOrEqual(w.onset[j - 1]!);
      expect(w.onset[j]!).toBeGreaterThanOrEqual(w.offset[j - 1]! - 1e-9);
    }
  }
}

describe('fuzzing the Narratives and LPP word files', () => {
  it('Gentle: every word kept, in order, timed without overlaps', () => {
    fc.assert(
      fc.property(gentle, (bytes) => {
        const { words } = parseGentleAlign(bytes, 'align.json');
        expect(words.text.length).toBe((JSON.parse(new TextDecoder().decode(bytes)) as { words: unknown[] }).words.length);
        wellFormed(words);
      }),
      { seed: FUZZ.seed, numRuns: 200 },
    );
  });

  it('LPP: each section sorted by onset, overlaps cut', () => {
    fc.assert(
      fc.property(annotation, (bytes) => {
        for (const s of parseLppWords(bytes, 'words.csv').values()) wellFormed(s.words);
      }),
      { seed: FUZZ.seed, numRuns: 200 },
    );
  });

  it('damaged files give a coded error or well-formed words, never a raw exception', async () => {
    await fc.assert(
      fc.asyncProperty(
        gentle.chain((b) => fc.tuple(fc.constant(b), damage(b.length))),
        annotation.chain((b) => fc.tuple(fc.constant(b), damage(b.length))),
        async ([g, dg], [a, da]) => {
          const r1 = await codedOrValue(() => parseGentleAlign(applyDamage(g, dg), 'align.json'));
          if ('value' in r1) wellFormed(r1.value.words);
          const r2 = await codedOrValue(() => parseLppWords(applyDamage(a, da), 'words.csv'));
          if ('value' in r2) for (const s of r2.value.values()) wellFormed(s.words);
        },
      ),
      { seed: FUZZ.seed, numRuns: 200 },
    );
  });
});
