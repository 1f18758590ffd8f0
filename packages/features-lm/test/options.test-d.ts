import { describe, it } from 'vitest';
import type { StageRef } from '@voxelwise/core';
import '../src/index.js';

describe('lm options types', () => {
  it('accepts the lm stage with valid options', () => {
    const ref: StageRef<'extractor'> = { name: 'lm', options: { model: 'gpt2-small', layer: 9, contextType: 'sliding', pooling: 'mean' } };
    void ref;
  });

  it('rejects a wrong option type', () => {
    // @ts-expect-error layer must be a number
    const ref: StageRef<'extractor'> = { name: 'lm', options: { model: 'gpt2-small', layer: '9' } };
    void ref;
  });

  it('rejects an unknown context type', () => {
    // @ts-expect-error "fullcontxt" is not a context type
    const ref: StageRef<'extractor'> = { name: 'lm', options: { model: 'gpt2', layer: 1, contextType: 'fullcontxt' } };
    void ref;
  });
});
