import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { Assembly, Story } from '@voxelwise/core';
import { encodeText, formatTextGrid, writeHdf5Matrix } from '../src/index.js';
import type { TextEncoding } from '../src/index.js';

const created: string[] = [];
// Every temporary directory of a test file goes when the file is done.
afterAll(() => {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tmp(prefix = 'vw-assembly-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  created.push(d);
  return d;
}

/** One story of a hand-made LeBel dataset. */
export interface LebelStorySpec {
  name: string;
  respdict: number;
  /** Word-tier intervals. */
  intervals: Array<[number, number, string]>;
  /** hf5 rows (default respdict − 20) and voxels. */
  rows?: number;
  voxels: number;
  /** Response value at (row, voxel). */
  value?: (i: number, v: number) => number;
  encoding?: TextEncoding;
  eol?: 'lf' | 'crlf';
}

/** Writes a LeBel ds003020 layout with the given stories; returns its root. */
export async function makeLebel(stories: LebelStorySpec[], subject = 'UTS02'): Promise<string> {
  const root = tmp('vw-assembly-lebel-');
  const d = join(root, 'derivative');
  mkdirSync(join(d, 'TextGrids'), { recursive: true });
  mkdirSync(join(d, 'preprocessed_data', subject), { recursive: true });
  writeFileSync(join(d, 'respdict.json'), JSON.stringify(Object.fromEntries(stories.map((s) => [s.name, s.respdict]))));
  for (const s of stories) {
    const end = Math.max(1, ...s.intervals.map((i) => i[1]));
    const tier = {
      kind: 'interval' as const,
      name: 'word',
      xmin: 0,
      xmax: end,
      intervals: s.intervals.map(([xmin, xmax, text]) => ({ xmin, xmax, text })),
    };
    const phones = { kind: 'interval' as const, name: 'phone', xmin: 0, xmax: end, intervals: [{ xmin: 0, xmax: end, text: 'sp' }] };
    writeFileSync(
      join(d, 'TextGrids', `${s.name}.TextGrid`),
      encodeText(formatTextGrid({ xmin: 0, xmax: end, tiers: [phones, tier] }), s.encoding ?? 'utf-8', s.eol ?? 'lf'),
    );
    const rows = s.rows ?? s.respdict - 20;
    const data = new Float32Array(rows * s.voxels);
    for (let i = 0; i < rows; i++)
      for (let v = 0; v < s.voxels; v++) data[i * s.voxels + v] = s.value ? s.value(i, v) : Math.sin(i * 0.37 + v * 1.3) + v;
    await writeHdf5Matrix(join(d, 'preprocessed_data', subject, `${s.name}.hf5`), { rows, cols: s.voxels, data });
  }
  return root;
}

/** Evenly spaced words `w0 w1 …` from `start`, `step` seconds apart. */
export function words(n: number, start = 0.5, step = 0.4): Array<[number, number, string]> {
  return Array.from({ length: n }, (_, i) => [start + i * step, start + i * step + step * 0.8, `w${i}`] as [number, number, string]);
}

/** Asserts two float arrays are identical bit for bit (NaN included). */
export function expectBitEqual(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  const x = a instanceof Float32Array ? a : Float32Array.from(a);
  const y = b instanceof Float32Array ? b : Float32Array.from(b);
  const ux = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const uy = new Uint32Array(y.buffer, y.byteOffset, y.length);
  let firstDiff = -1;
  for (let i = 0; i < ux.length && firstDiff < 0; i++) if (ux[i] !== uy[i]) firstDiff = i;
  expect(firstDiff, `first differing element ${firstDiff}: ${x[firstDiff]} vs ${y[firstDiff]}`).toBe(-1);
}

/** Asserts two stories hold the same words, times and responses (bit-exact). */
export async function expectSameStory(a: Story, b: Story, range?: { voxelStart: number; voxelEnd: number }): Promise<void> {
  expect(a.name).toBe(b.name);
  expect(a.words.text).toEqual(b.words.text);
  expect(Array.from(a.words.onset)).toEqual(Array.from(b.words.onset));
  expect(Array.from(a.words.offset)).toEqual(Array.from(b.words.offset));
  expect(Array.from(a.wordTimes)).toEqual(Array.from(b.wordTimes));
  expect(Array.from(a.trTimes)).toEqual(Array.from(b.trTimes));
  expect(a.trim).toEqual(b.trim);
  expect(a.nResponseRows).toBe(b.nResponseRows);
  expect(a.nVoxels).toBe(b.nVoxels);
  const ra = await a.responses(range);
  const rb = await b.responses(range);
  expect([ra.rows, ra.cols, ra.voxelStart]).toEqual([rb.rows, rb.cols, rb.voxelStart]);
  expectBitEqual(ra.data, rb.data);
}

/** Asserts two assemblies hold the same stories (bit-exact). */
export async function expectSameAssembly(a: Assembly, b: Assembly): Promise<void> {
  expect(a.storyNames).toEqual(b.storyNames);
  expect(a.testStories).toEqual(b.testStories);
  expect(a.metadata.nVoxels).toBe(b.metadata.nVoxels);
  expect(a.metadata.tr).toBe(b.metadata.tr);
  for (const n of a.storyNames) await expectSameStory(await a.story(n), await b.story(n));
}
