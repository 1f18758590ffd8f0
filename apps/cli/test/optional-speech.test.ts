import { describe, expect, it } from 'vitest';
import { createContext, createRegistry, isVoxelwiseError } from '@voxelwise/core';
import { speechPlugin } from '../src/optional-speech.js';

/** A loader that fails the way Node does when @voxelwise/features-speech is not installed. */
const missing = () =>
  Promise.reject(Object.assign(new Error("Cannot find package '@voxelwise/features-speech'"), { code: 'ERR_MODULE_NOT_FOUND' }));

describe('speech-model features are an optional peer of the CLI', () => {
  it('registers the real speech extractor when features-speech is installed', async () => {
    const registry = createRegistry().use(await speechPlugin());
    expect(registry.list('extractor').find((s) => s.name === 'speech')?.description).not.toMatch(/not installed/);
  });

  it('without it, speech is listed as not installed and fails with the install line when used', async () => {
    const registry = createRegistry().use(await speechPlugin(missing));
    expect(registry.list('extractor').find((s) => s.name === 'speech')?.description).toMatch(
      /not installed: npm install @voxelwise\/features-speech/,
    );
    const ctx = createContext({ registry });
    const error = await registry.create('extractor', { name: 'speech', options: { model: 'x' } }, ctx).catch((e: unknown) => e);
    expect(isVoxelwiseError(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as Error).message).toMatch(/needs @voxelwise\/features-speech, which is not installed/);
  });

  it('other load failures are not mistaken for a missing package', async () => {
    await expect(speechPlugin(() => Promise.reject(new Error('broken build')))).rejects.toThrow('broken build');
  });
});
