import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openHdf5Matrix, writeHdf5Matrix } from '../src/index.js';
import { FUZZ, applyDamage, codedOrValue, damage } from './fuzz-helpers.js';
import { tmp } from './helpers.js';

describe('fuzzing HDF5 response files (h5wasm)', () => {
  let stderr: string[];
  beforeEach(() => {
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
    vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());

  it('answers damaged files with values or a coded error naming the file, printing nothing', async () => {
    const dir = tmp();
    const clean = join(dir, 'clean.hf5');
    await writeHdf5Matrix(clean, { rows: 12, cols: 7, data: Float32Array.from({ length: 84 }, (_, i) => Math.sin(i)) });
    const bytes = readFileSync(clean);
    let k = 0;
    const coded = new Set<string>();
    await fc.assert(
      fc.asyncProperty(damage(bytes.length), async (d) => {
        const file = join(dir, `d${k++}.hf5`);
        writeFileSync(file, applyDamage(bytes, d));
        const got = await codedOrValue(async () => {
          const m = await openHdf5Matrix(file);
          try {
            return m.read(0, m.rows, 0, m.cols);
          } finally {
            m.close();
          }
        });
        if ('code' in got) coded.add(got.code);
        expect(stderr).toEqual([]);
      }),
      { seed: FUZZ.seed, numRuns: 120 },
    );
    expect([...coded].every((c) => c === 'E_FILE_FORMAT' || c === 'E_IO')).toBe(true);
  }, 60_000);
});

describe('bring-your-own .npy responses', () => {
  it('refuses a file whose header declares fewer rows than it holds (a damaged shape), instead of reading a prefix', async () => {
    const { encodeNpy, openNpyMatrix } = await import('../src/index.js');
    const { expectVoxelwiseError } = await import('@voxelwise/testing');
    const bytes = encodeNpy({ rows: 5, cols: 2, data: Float32Array.from({ length: 10 }, (_, i) => i) });
    const text = Buffer.from(bytes).toString('latin1').replace("'shape': (5, 2)", "'shape': (4, 2)");
    const file = join(tmp(), 'responses.npy');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    await expectVoxelwiseError(() => openNpyMatrix(file), 'E_FILE_FORMAT', 'more bytes than its shape needs');
  });
});
