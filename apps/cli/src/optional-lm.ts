import { defineStage, definePlugin, voxelwiseError, z } from '@voxelwise/core';
import type { FeatureExtractor, Plugin } from '@voxelwise/core';

/** The install line for language-model features, shown wherever they are missing. */
export const LM_INSTALL =
  'npm install @voxelwise/features-lm (on a machine that reaches only the npm registry, add ' +
  '"allowScripts": { "onnxruntime-node": false } to your package.json first, or pass --onnxruntime-node-install=skip: ' +
  "onnxruntime-node's install script downloads optional CUDA files)";

type FeaturesLm = typeof import('@voxelwise/features-lm');

/**
 * Imports `@voxelwise/features-lm`, an optional peer of the CLI: it brings transformers.js and
 * onnxruntime (hundreds of MB), which a user fitting precomputed or word-rate features never loads.
 * Throws `E_MODEL_LOAD` with the install line when it is not installed.
 *
 * @param load - how to import it (tests pass a failing loader)
 */
export async function importFeaturesLm(
  what: string,
  load: () => Promise<FeaturesLm> = () => import('@voxelwise/features-lm'),
): Promise<FeaturesLm> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw voxelwiseError({
      code: 'E_MODEL_LOAD',
      where: 'cli:features-lm',
      message: `${what} needs @voxelwise/features-lm, which is not installed`,
      cause: error,
      hint: `Install it: ${LM_INSTALL}.`,
    });
  }
}

/**
 * The `lm` extractor when features-lm is installed; otherwise a stand-in stage of the same name
 * that `voxelwise list` shows as not installed and that fails with the install line when a config
 * uses it (rather than an "unknown stage" that hides what to do).
 */
export async function lmPlugin(load?: () => Promise<FeaturesLm>): Promise<Plugin> {
  try {
    return (await importFeaturesLm('the lm extractor', load)).lmFeatures();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'E_MODEL_LOAD') throw error;
    return definePlugin('features-lm (not installed)', [
      defineStage({
        kind: 'extractor',
        name: 'lm',
        description: 'language-model features (not installed: npm install @voxelwise/features-lm)',
        options: z.record(z.string(), z.unknown()),
        create: async (): Promise<FeatureExtractor> => {
          await importFeaturesLm('the lm extractor', load);
          // Reached only if the package was installed after the registry was built.
          throw voxelwiseError({
            code: 'E_MODEL_LOAD',
            where: 'cli:features-lm',
            message: 'restart voxelwise to use the lm extractor just installed',
          });
        },
      }),
    ]);
  }
}
