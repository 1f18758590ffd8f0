import { defineStage, definePlugin, voxelwiseError, z } from '@voxelwise/core';
import type { FeatureExtractor, Plugin } from '@voxelwise/core';

/** The install line for speech-model features, shown wherever they are missing. */
export const SPEECH_INSTALL =
  'npm install @voxelwise/features-speech (on a machine that reaches only the npm registry, add ' +
  '"allowScripts": { "onnxruntime-node": false } to your package.json first, or pass --onnxruntime-node-install=skip: ' +
  "onnxruntime-node's install script downloads optional CUDA files)";

type FeaturesSpeech = typeof import('@voxelwise/features-speech');

/**
 * Imports `@voxelwise/features-speech`, an optional peer of the CLI like features-lm (it brings
 * transformers.js and onnxruntime). Throws `E_MODEL_LOAD` with the install line when it is not
 * installed.
 *
 * @param load - how to import it (tests pass a failing loader)
 */
export async function importFeaturesSpeech(
  what: string,
  load: () => Promise<FeaturesSpeech> = () => import('@voxelwise/features-speech'),
): Promise<FeaturesSpeech> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw voxelwiseError({
      code: 'E_MODEL_LOAD',
      where: 'cli:features-speech',
      message: `${what} needs @voxelwise/features-speech, which is not installed`,
      cause: error,
      hint: `Install it: ${SPEECH_INSTALL}.`,
    });
  }
}

/**
 * The `speech` extractor when features-speech is installed; otherwise a stand-in of the same name
 * that `voxelwise list` shows as not installed and that fails with the install line when used.
 */
export async function speechPlugin(load?: () => Promise<FeaturesSpeech>): Promise<Plugin> {
  try {
    return (await importFeaturesSpeech('the speech extractor', load)).speechFeatures();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'E_MODEL_LOAD') throw error;
    return definePlugin('features-speech (not installed)', [
      defineStage({
        kind: 'extractor',
        name: 'speech',
        description: 'speech-model features (not installed: npm install @voxelwise/features-speech)',
        options: z.record(z.string(), z.unknown()),
        create: async (): Promise<FeatureExtractor> => {
          await importFeaturesSpeech('the speech extractor', load);
          throw voxelwiseError({
            code: 'E_MODEL_LOAD',
            where: 'cli:features-speech',
            message: 'restart voxelwise to use the speech extractor just installed',
          });
        },
      }),
    ]);
  }
}
