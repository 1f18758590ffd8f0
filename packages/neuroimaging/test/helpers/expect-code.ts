import { expect } from 'vitest';
import { isVoxelwiseError } from '@voxelwise/core';
import type { ErrorCode, VoxelwiseError } from '@voxelwise/core';

/** Runs `fn` and checks that it throws a VoxelwiseError with `code` whose message matches every pattern. */
export function expectCode(fn: () => unknown, code: ErrorCode, ...patterns: RegExp[]): VoxelwiseError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isVoxelwiseError(thrown, code), `expected ${code}, got ${String(thrown)}`).toBe(true);
  for (const p of patterns) expect((thrown as Error).message).toMatch(p);
  return thrown as VoxelwiseError;
}

/** Async {@link expectCode}. */
export async function expectCodeAsync(fn: () => Promise<unknown>, code: ErrorCode, ...patterns: RegExp[]): Promise<VoxelwiseError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  expect(isVoxelwiseError(thrown, code), `expected ${code}, got ${String(thrown)}`).toBe(true);
  for (const p of patterns) expect((thrown as Error).message).toMatch(p);
  return thrown as VoxelwiseError;
}
