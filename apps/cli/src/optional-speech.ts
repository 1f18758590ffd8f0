import type { Plugin } from '@voxelwise/core';
import { importOptionalPeer, onnxPeerInstall, optionalExtractorPlugin } from './optional-peer.js';
import type { OptionalPeer } from './optional-peer.js';

type FeaturesSpeech = typeof import('@voxelwise/features-speech');

/** `@voxelwise/features-speech`, an optional peer of the CLI like features-lm (transformers.js and onnxruntime). */
function speechPeer(load: () => Promise<FeaturesSpeech> = () => import('@voxelwise/features-speech')): OptionalPeer<FeaturesSpeech> {
  return { pkg: '@voxelwise/features-speech', where: 'cli:features-speech', install: onnxPeerInstall('@voxelwise/features-speech'), load };
}

/**
 * Imports `@voxelwise/features-speech`. Throws `E_MODEL_LOAD` with the install line when it is
 * not installed.
 *
 * @param load - how to import it (tests pass a failing loader)
 */
export function importFeaturesSpeech(what: string, load?: () => Promise<FeaturesSpeech>): Promise<FeaturesSpeech> {
  return importOptionalPeer(speechPeer(load), what);
}

/**
 * The `speech` extractor when features-speech is installed; otherwise a stand-in of the same name
 * that `voxelwise list` shows as not installed and that fails with the install line when used.
 */
export function speechPlugin(load?: () => Promise<FeaturesSpeech>): Promise<Plugin> {
  return optionalExtractorPlugin(speechPeer(load), { name: 'speech', description: 'speech-model features' }, (m) => m.speechFeatures());
}
