import { expect } from 'vitest';
import { isVoxelwiseError } from '../src/index.js';
import type { ErrorCode } from '../src/index.js';

/** Runs `fn` and checks that it throws a VoxelwiseError with `code` whose message matches every pattern. */
export function expectCode(fn: () => unknown, code: ErrorCode, ...patterns: RegExp[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isVoxelwiseError(thrown, code), `expected ${code}, got ${String(thrown)}`).toBe(true);
  for (const p of patterns) expect((thrown as Error).message).toMatch(p);
}
