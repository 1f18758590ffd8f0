import type { Plugin } from '@voxelwise/core';
import { importOptionalPeer, onnxPeerInstall, optionalExtractorPlugin } from './optional-peer.js';
import type { OptionalPeer } from './optional-peer.js';

type FeaturesLm = typeof import('@voxelwise/features-lm');

/** `@voxelwise/features-lm`, an optional peer of the CLI: it brings transformers.js and onnxruntime (hundreds of MB). */
function lmPeer(load: () => Promise<FeaturesLm> = () => import('@voxelwise/features-lm')): OptionalPeer<FeaturesLm> {
  return { pkg: '@voxelwise/features-lm', where: 'cli:features-lm', install: onnxPeerInstall('@voxelwise/features-lm'), load };
}

/**
 * Imports `@voxelwise/features-lm`. Throws `E_MODEL_LOAD` with the install line when it is not
 * installed.
 *
 * @param load - how to import it (tests pass a failing loader)
 */
export function importFeaturesLm(what: string, load?: () => Promise<FeaturesLm>): Promise<FeaturesLm> {
  return importOptionalPeer(lmPeer(load), what);
}

/**
 * The `lm` extractor when features-lm is installed; otherwise a stand-in stage of the same name
 * that `voxelwise list` shows as not installed and that fails with the install line when used.
 */
export function lmPlugin(load?: () => Promise<FeaturesLm>): Promise<Plugin> {
  return optionalExtractorPlugin(lmPeer(load), { name: 'lm', description: 'language-model features' }, (m) => m.lmFeatures());
}
