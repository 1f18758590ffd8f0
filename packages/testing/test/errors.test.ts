import { describe, expect, it } from 'vitest';
import { voxelwiseError } from '@voxelwise/core';
import { expectVoxelwiseError } from '../src/index.js';

describe('expectVoxelwiseError', () => {
  it('passes on the right code and message', async () => {
    const e = await expectVoxelwiseError(
      () => {
        throw voxelwiseError({ code: 'E_IO', where: 'x:y', message: 'file a.txt failed' });
      },
      'E_IO',
      'a.txt',
    );
    expect(e.code).toBe('E_IO');
  });
  it('fails on another code or no error', async () => {
    await expect(expectVoxelwiseError(() => undefined, 'E_IO')).rejects.toThrow();
    await expect(
      expectVoxelwiseError(() => {
        throw voxelwiseError({ code: 'E_USAGE', where: 'x:y', message: 'm' });
      }, 'E_IO'),
    ).rejects.toThrow(/E_IO/);
  });
});
