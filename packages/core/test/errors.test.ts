import { describe, expect, it } from 'vitest';
import { VoxelwiseError, isVoxelwiseError, voxelwiseError } from '../src/index.js';

describe('errors', () => {
  it('formats messages in house style', () => {
    const e = voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: 'downsample:lanczos',
      message: 'times do not match rows',
      got: 3,
      expected: 4,
      hint: 'Pass one time per word.',
    });
    expect(e.message).toBe('[downsample:lanczos] times do not match rows (got 3, expected 4). Pass one time per word.');
    expect(e.details).toEqual({ got: 3, expected: 4 });
    expect(e).toBeInstanceOf(VoxelwiseError);
  });

  it('keeps the cause', () => {
    const cause = new Error('disk');
    const e = voxelwiseError({ code: 'E_IO', where: 'x:y', message: 'failed', cause });
    expect(e.cause).toBe(cause);
  });

  it('guards by name and code', () => {
    const e = new VoxelwiseError('E_DATA_INVALID', 'bad');
    expect(isVoxelwiseError(e)).toBe(true);
    expect(isVoxelwiseError(e, 'E_DATA_INVALID')).toBe(true);
    expect(isVoxelwiseError(e, 'E_IO')).toBe(false);
    expect(isVoxelwiseError(new Error('x'))).toBe(false);
    expect(isVoxelwiseError({ name: 'VoxelwiseError', code: 'E_NOT_A_CODE' })).toBe(false);
  });
});
