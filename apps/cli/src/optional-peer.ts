import { defineStage, definePlugin, voxelwiseError, z } from '@voxelwise/core';
import type { FeatureExtractor, Plugin } from '@voxelwise/core';

/** One optional peer of the CLI: a package it imports only when a command needs it. */
export interface OptionalPeer<T> {
  /** The package name, e.g. `@voxelwise/features-lm`. */
  pkg: string;
  /** Where errors say they come from, e.g. `cli:features-lm`. */
  where: string;
  /** The install line shown when the package is missing. */
  install: string;
  /** How to import it. */
  load: () => Promise<T>;
}

/**
 * Imports an optional peer of the CLI (a package with a heavy stack such as transformers.js and
 * onnxruntime, which a user fitting precomputed or word-rate features never loads). Throws
 * `E_MODEL_LOAD` with the install line when it is not installed; other load failures pass through.
 *
 * @param what - the command or stage that needs it, named in the message
 */
export async function importOptionalPeer<T>(peer: OptionalPeer<T>, what: string): Promise<T> {
  try {
    return await peer.load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw voxelwiseError({
      code: 'E_MODEL_LOAD',
      where: peer.where,
      message: `${what} needs ${peer.pkg}, which is not installed`,
      cause: error,
      hint: `Install it: ${peer.install}.`,
    });
  }
}

/** The install line for a feature plugin that brings onnxruntime-node. */
export function onnxPeerInstall(pkg: string): string {
  return (
    `npm install ${pkg} (on a machine that reaches only the npm registry, add ` +
    '"allowScripts": { "onnxruntime-node": false } to your package.json first, or pass --onnxruntime-node-install=skip: ' +
    "onnxruntime-node's install script downloads optional CUDA files)"
  );
}

/**
 * The extractor plugin of an optional peer when it is installed; otherwise a stand-in stage of the
 * same name that `voxelwise list` shows as not installed and that fails with the install line when
 * a config uses it (rather than an "unknown stage" that hides what to do).
 *
 * @param peer - the optional peer package
 * @param extractor - the stage name (`lm`, `speech`) and its description
 * @param plugin - picks the plugin out of the imported package
 */
export async function optionalExtractorPlugin<T>(
  peer: OptionalPeer<T>,
  extractor: { name: string; description: string },
  plugin: (module: T) => Plugin,
): Promise<Plugin> {
  const what = `the ${extractor.name} extractor`;
  try {
    return plugin(await importOptionalPeer(peer, what));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'E_MODEL_LOAD') throw error;
    return definePlugin(`${peer.pkg.replace(/^@voxelwise\//, '')} (not installed)`, [
      defineStage({
        kind: 'extractor',
        name: extractor.name,
        description: `${extractor.description} (not installed: npm install ${peer.pkg})`,
        options: z.record(z.string(), z.unknown()),
        create: async (): Promise<FeatureExtractor> => {
          await importOptionalPeer(peer, what);
          // Reached only if the package was installed after the registry was built.
          throw voxelwiseError({
            code: 'E_MODEL_LOAD',
            where: peer.where,
            message: `restart voxelwise to use ${what} just installed`,
          });
        },
      }),
    ]);
  }
}
