import { cpSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openAssembly, simulateSubject, writeSimulatedNative } from '../src/index.js';
import { FUZZ, applyDamage, codedOrValue, damage } from './fuzz-helpers.js';
import { tmp } from './helpers.js';

/** Everything a training run reads from an assembly, as plain values. */
async function snapshot(dir: string): Promise<unknown> {
  const a = await openAssembly(dir);
  const stories = [];
  for (const name of a.storyNames) {
    const s = await a.story(name);
    const r = await s.responses();
    const repeats = [];
    for (let k = 0; k < (s.nRepeats ?? 0); k++) repeats.push(Array.from((await s.repeatResponses!(k)).data));
    stories.push({
      name,
      words: s.words.text,
      lower: s.words.lower,
      onset: Array.from(s.words.onset),
      offset: Array.from(s.words.offset),
      trTimes: Array.from(s.trTimes),
      trim: s.trim,
      rows: r.rows,
      cols: r.cols,
      // Bit patterns, so NaN payloads and −0 count as changes too.
      data: Array.from(new Uint32Array(r.data.buffer, r.data.byteOffset, r.data.length)),
      repeats,
    });
  }
  return { subject: a.metadata.subject, tr: a.metadata.tr, nVoxels: a.metadata.nVoxels, test: a.testStories, stories };
}

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();

describe('fuzzing an Arrow assembly (words, trs, responses, repeats, manifest)', () => {
  it('answers every truncation, bit flip and garbage run with a coded error or the original numbers', async () => {
    const sim = await simulateSubject({ seed: 3, stories: 2, duration: 30, voxels: 10, testRepeats: 2 });
    const clean = join(tmp(), 'clean.vw');
    await writeSimulatedNative(sim, clean, { voxelChunk: 4 });
    const original = await snapshot(clean);
    const targets = files(clean).map((f) => ({ rel: relative(clean, join(clean, f)), size: statSync(join(clean, f)).size }));
    const work = join(tmp(), 'work.vw');
    const outcomes = { same: 0, coded: 0 };
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets).chain((t) => fc.tuple(fc.constant(t.rel), damage(t.size))),
        async ([rel, d]) => {
          cpSync(clean, work, { recursive: true, force: true });
          writeFileSync(join(work, rel), applyDamage(readFileSync(join(clean, rel)), d));
          const got = await codedOrValue(() => snapshot(work));
          if ('code' in got) {
            outcomes.coded++;
            codes.set(got.code, (codes.get(got.code) ?? 0) + 1);
          } else {
            // Never silently changed numbers: whatever was read is exactly what was written.
            expect(got.value).toEqual(original);
            outcomes.same++;
          }
        },
      ),
      { seed: FUZZ.seed, numRuns: 150 },
    );
    expect(outcomes.same + outcomes.coded).toBe(150);
    expect(outcomes.coded).toBeGreaterThan(100);
    expect([...codes.keys()].every((c) => c.startsWith('E_'))).toBe(true);
  }, 60_000);
});
