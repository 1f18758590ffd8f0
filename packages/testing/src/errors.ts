import { expect } from 'vitest';
import { isVoxelwiseError } from '@voxelwise/core';
import type { ErrorCode, VoxelwiseError } from '@voxelwise/core';

/**
 * Runs `fn` (sync or async) and asserts it throws a VoxelwiseError with `code` whose message
 * matches every pattern; returns the error for further checks.
 *
 * @example
 * await expectVoxelwiseError(() => parse(bad), 'E_FILE_FORMAT', /line 3/);
 */
export async function expectVoxelwiseError(
  fn: () => unknown,
  code: ErrorCode,
  ...patterns: Array<RegExp | string>
): Promise<VoxelwiseError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a VoxelwiseError ${code}`).toBeDefined();
  if (!isVoxelwiseError(caught, code)) {
    throw new Error(
      `expected VoxelwiseError ${code}, got ${caught instanceof Error ? `${caught.name} ${(caught as { code?: string }).code ?? ''}: ${caught.message}` : String(caught)}`,
    );
  }
  for (const p of patterns)
    expect(caught.message).toMatch(typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : p);
  return caught;
}
