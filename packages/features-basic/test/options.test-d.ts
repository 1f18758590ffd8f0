import { expectTypeOf, test } from 'vitest';
import type { StageRef } from '@voxelwise/core';
import type { EmbeddingsOptions, PrecomputedOptions } from '../src/index.js';

test('extractor names and options are checked at compile time', () => {
  const ok: StageRef<'extractor'>[] = [
    { name: 'wordrate', options: { mode: 'huth' } },
    { name: 'precomputed', options: { dir: 'features', level: 'tr', format: 'hdf5', dataset: 'feats' } },
    { name: 'embeddings', options: { path: 'v.bin', oov: 'copy_prev', emptyWords: 'oov' } },
  ];
  expectTypeOf(ok).toBeArray();
  // @ts-expect-error unknown OOV policy
  const skip: StageRef<'extractor'> = { name: 'embeddings', options: { path: 'v.bin', oov: 'skip' } };
  // @ts-expect-error path is required
  const noPath: StageRef<'extractor'> = { name: 'embeddings', options: { oov: 'zero' } };
  // @ts-expect-error level is 'word' or 'tr'
  const level: StageRef<'extractor'> = { name: 'precomputed', options: { dir: 'f', level: 'words' } };
  // @ts-expect-error misspelled stage name
  const name: StageRef<'extractor'> = { name: 'embedding', options: { path: 'v.bin' } };
  void [skip, noPath, level, name];
  expectTypeOf<PrecomputedOptions['level']>().toEqualTypeOf<'word' | 'tr' | undefined>();
  expectTypeOf<EmbeddingsOptions['oov']>().toEqualTypeOf<'copy-prev' | 'copy_prev' | 'zero' | 'error' | undefined>();
});
