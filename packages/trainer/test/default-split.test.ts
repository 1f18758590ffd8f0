import { describe, expect, it } from 'vitest';
import { memoryAssembly, memoryStory } from '@voxelwise/core';
import type { AssemblyMetadata } from '@voxelwise/core';
import { planSplit, resolveConfig } from '../src/index.js';

function assembly(metadata: Partial<AssemblyMetadata>, testStories: string[] = []) {
  const story = (name: string) =>
    memoryStory({
      name,
      words: { text: ['a'], onset: Float64Array.of(1), offset: Float64Array.of(1.2) },
      trTimes: Float64Array.of(1, 3, 5),
      trim: { start: 0, end: 0 },
      responses: { rows: 3, cols: 1, data: Float32Array.of(1, 2, 3) },
    });
  return memoryAssembly({ subject: 's', tr: 2, nVoxels: 1, ...metadata }, [story('a'), story('b'), story('c')], testStories);
}

const config = (split?: Record<string, unknown>) =>
  resolveConfig({ assembly: { name: 'arrow', options: { path: 'x' } }, features: [{ name: 'wordrate' }], ...(split ? { split } : {}) });

describe('default split of an assembly', () => {
  it('runs nested CV when the assembly asks for it and neither it nor the config names a test story', () => {
    expect(planSplit(config(), assembly({ defaultSplit: 'nested-cv' }))).toEqual({ mode: 'nested-cv', stories: ['a', 'b', 'c'] });
  });

  it('keeps held-out stories when the config or the assembly names them', () => {
    expect(planSplit(config({ testStories: ['c'] }), assembly({ defaultSplit: 'nested-cv' }))).toEqual({
      mode: 'test-stories',
      train: ['a', 'b'],
      test: ['c'],
    });
    expect(planSplit(config(), assembly({}, ['b']))).toEqual({ mode: 'test-stories', train: ['a', 'c'], test: ['b'] });
  });

  it('still refuses an assembly without test stories that does not ask for nested CV', () => {
    expect(() => planSplit(config(), assembly({}))).toThrow(/names no test story/);
  });
});
