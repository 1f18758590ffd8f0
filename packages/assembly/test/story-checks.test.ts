import { describe, expect, it } from 'vitest';
import { isVoxelwiseError } from '@voxelwise/core';
import { checkTestStories, unknownStory } from '../src/story-checks.js';

describe('story checks of the assembly readers', () => {
  it('accepts test stories the source holds and names the first one it does not', () => {
    expect(() => checkTestStories(['b'], ['a', 'b'], 'task', 'assembly:narratives')).not.toThrow();
    let caught: unknown;
    try {
      checkTestStories(['a', 'zz'], ['a', 'b'], 'run', 'assembly:lpp');
    } catch (e) {
      caught = e;
    }
    expect(isVoxelwiseError(caught, 'E_CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('test run "zz" is not among the stories');
  });

  it('an unknown story is E_DATA_INVALID naming the story and the source', () => {
    const e = unknownStory('x', 'sub-001', ['a'], 'assembly:narratives');
    expect(isVoxelwiseError(e, 'E_DATA_INVALID')).toBe(true);
    expect(e.message).toContain('no story "x" in sub-001');
    expect(e.details).toMatchObject({ story: 'x' });
  });
});
