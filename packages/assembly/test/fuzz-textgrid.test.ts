import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeText, formatTextGrid, parseTextGrid } from '../src/index.js';
import type { IntervalTier, TextEncoding } from '../src/index.js';
import { FUZZ, applyDamage, codedOrValue, damage } from './fuzz-helpers.js';

/** Texts with quotes, braces, non-ASCII letters, emoji and spaces, as real transcripts have. */
const label = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '{', '}', 'é', 'ß', '你', '😀', 'sp', 'AH0', '\t'), maxLength: 6 });

/** An interval tier: consecutive intervals from 0 with random (float) durations. */
const tier: fc.Arbitrary<IntervalTier> = fc
  .tuple(label, fc.array(fc.tuple(fc.double({ min: 0.001, max: 5, noNaN: true }), label), { minLength: 1, maxLength: 12 }))
  .map(([name, parts]) => {
    let t = 0;
    const intervals = parts.map(([d, text]) => {
      const iv = { xmin: t, xmax: t + d, text };
      t += d;
      return iv;
    });
    return { kind: 'interval', name, xmin: 0, xmax: t, intervals };
  });

const variant = fc.record({
  layout: fc.constantFrom('long' as const, 'short' as const),
  encoding: fc.constantFrom<TextEncoding>('utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'),
  eol: fc.constantFrom('lf' as const, 'crlf' as const),
});

describe('fuzzing the TextGrid parser', () => {
  it('reads back exactly what was written, in every layout and encoding', () => {
    fc.assert(
      fc.property(fc.array(tier, { minLength: 1, maxLength: 3 }), variant, (tiers, v) => {
        const xmax = Math.max(...tiers.map((t) => t.xmax));
        const bytes = encodeText(formatTextGrid({ xmin: 0, xmax, tiers }, { layout: v.layout }), v.encoding, v.eol);
        const g = parseTextGrid(bytes, 'fuzz.TextGrid');
        expect(g.format).toBe(v.layout);
        expect(g.tiers).toEqual(tiers);
      }),
      { seed: FUZZ.seed, numRuns: 150 },
    );
  });

  it('answers truncations, bit flips and garbage with a TextGrid or a coded error, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .tuple(fc.array(tier, { minLength: 1, maxLength: 2 }), variant)
          .map(([tiers, v]) => encodeText(formatTextGrid({ xmin: 0, xmax: 100, tiers }, { layout: v.layout }), v.encoding, v.eol))
          .chain((bytes) => fc.tuple(fc.constant(bytes), damage(bytes.length))),
        async ([bytes, d]) => {
          const got = await codedOrValue(() => parseTextGrid(applyDamage(bytes, d), 'fuzz.TextGrid'));
          if ('value' in got)
            for (const t of got.value.tiers) if (t.kind === 'interval') for (const iv of t.intervals) expect(iv.xmax >= iv.xmin).toBe(true);
        },
      ),
      { seed: FUZZ.seed, numRuns: 400 },
    );
  });
});
