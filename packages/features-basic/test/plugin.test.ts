import { describe, expect, it } from 'vitest';
import { createContext, createRegistry } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { basicFeatures } from '../src/index.js';

describe('basicFeatures plugin', () => {
  const registry = createRegistry().use(basicFeatures());

  it('registers wordrate, precomputed and embeddings as extractors with listable options', () => {
    expect(registry.names('extractor')).toEqual(['embeddings', 'precomputed', 'wordrate']);
    const listed = registry.list('extractor');
    const props = (name: string) =>
      Object.keys((listed.find((s) => s.name === name)?.optionsSchema as { properties?: object }).properties ?? {});
    expect(props('embeddings')).toEqual(expect.arrayContaining(['path', 'oov', 'lowercase', 'emptyWords']));
    expect(props('precomputed')).toEqual(expect.arrayContaining(['dir', 'level', 'format', 'dataset']));
    expect(props('wordrate')).toEqual(expect.arrayContaining(['mode', 'window', 'lastWindow']));
  });

  it('validates options through the registry with messages naming the option', async () => {
    const ctx = createContext();
    await expectVoxelwiseError(
      () => registry.create('extractor', { name: 'embeddings', options: { path: 'v.bin', oov: 'skip' } }, ctx),
      'E_OPTIONS_INVALID',
      'option "oov"',
      'misaligns',
    );
    await expectVoxelwiseError(
      () => registry.create('extractor', { name: 'precomputed', options: { dir: 'x', levle: 'tr' } }, ctx),
      'E_OPTIONS_INVALID',
      'levle',
    );
    await expectVoxelwiseError(
      () => registry.create('extractor', { name: 'wordrate', options: { mode: 'huth', lastWindow: 2 } }, ctx),
      'E_OPTIONS_INVALID',
      'option "lastWindow"',
    );
  });
});
