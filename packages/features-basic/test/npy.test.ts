import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toRows } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { readNpy } from '../src/index.js';
import { ramp, tempDir, writeNpy } from './helpers.js';

// The parser's checks are tested in @voxelwise/io (test/npy.test.ts) against files numpy wrote.
describe('readNpy', () => {
  it('round-trips what the test writer produces, and maps a missing file to E_FILE_NOT_FOUND', async () => {
    const dir = tempDir();
    const m = ramp(5, 3, 'float64');
    writeNpy(join(dir, 'r.npy'), m);
    expect(toRows(await readNpy(join(dir, 'r.npy')))).toEqual(toRows(m));
    await expectVoxelwiseError(() => readNpy(join(dir, 'missing.npy')), 'E_FILE_NOT_FOUND', 'missing.npy');
  });
});
