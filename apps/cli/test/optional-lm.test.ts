import { describe, expect, it } from 'vitest';
import { createContext, createRegistry, isVoxelwiseError } from '@voxelwise/core';
import { lmPlugin } from '../src/optional-lm.js';

/** A loader that fails the way Node does when @voxelwise/features-lm is not installed. */
const missing = () =>
  Promise.reject(Object.assign(new Error("Cannot find package '@voxelwise/features-lm'"), { code: 'ERR_MODULE_NOT_FOUND' }));

describe('language-model features are an optional peer of the CLI', () => {
  it('registers the real lm extractor when features-lm is installed', async () => {
    const registry = createRegistry().use(await lmPlugin());
    const lm = registry.list('extractor').find((s) => s.name === 'lm');
    expect(lm?.description).not.toMatch(/not installed/);
  });

  it('without it, lm is listed as not installed and fails with the install line when used', async () => {
    const registry = createRegistry().use(await lmPlugin(missing));
    const lm = registry.list('extractor').find((s) => s.name === 'lm');
    expect(lm?.description).toMatch(/not installed: npm install @voxelwise\/features-lm/);
    const ctx = createContext({ registry });
    const error = await registry.create('extractor', { name: 'lm', options: { model: 'gpt2' } }, ctx).catch((e: unknown) => e);
    expect(isVoxelwiseError(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as Error).message).toMatch(/needs @voxelwise\/features-lm, which is not installed/);
    expect((error as Error).message).toMatch(/allowScripts/);
  });

  it('other load failures are not mistaken for a missing package', async () => {
    await expect(lmPlugin(() => Promise.reject(new Error('broken build')))).rejects.toThrow('broken build');
  });
});
