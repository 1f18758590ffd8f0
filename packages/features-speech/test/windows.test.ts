import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { speechWindows } from '../src/index.js';
import { FIXTURES } from './helpers.js';

// Expected: tools/reference/speech_forward.py `litcoder_windows` (LITcoder's rules in Python), via speech-fixtures.ts.
const cases = JSON.parse(readFileSync(path.join(FIXTURES, 'windows.json'), 'utf8')) as Array<{
  total: number;
  sr: number;
  chunk: number;
  context: number;
  windows: Array<[number, number, number]>;
}>;

describe('LITcoder windows', () => {
  it.each(cases.map((c) => [`${c.total} samples at ${c.sr} Hz, chunk ${c.chunk} s, context ${c.context} s`, c] as const))('%s', (_, c) => {
    const w = speechWindows(c.total, c.sr, c.chunk, c.context);
    expect(w.ends.length).toBe(c.windows.length);
    expect(Array.from(w.starts)).toEqual(c.windows.map((x) => x[0]));
    expect(Array.from(w.ends)).toEqual(c.windows.map((x) => x[1]));
    expect(Array.from(w.times)).toEqual(c.windows.map((x) => x[2]));
  });

  it('the tutorial settings give 5,841 windows for 10 minutes, the first ending at 16 s', () => {
    const w = speechWindows(600 * 16000, 16000, 0.1, 16);
    expect(w.ends.length).toBe(5841);
    expect(w.times[0]).toBe(16);
    expect(w.times[5840]).toBeCloseTo(600, 9);
  });

  it('refuses a chunk or context shorter than a sample', () => {
    expectVoxelwiseError(() => speechWindows(1000, 16000, 0.00001, 1), 'E_OPTIONS_INVALID', /chunkSize/);
  });
});
