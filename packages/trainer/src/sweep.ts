import { voxelwiseError } from '@voxelwise/core';
import type { AnyStageRef, Registry } from '@voxelwise/core';

/** Whether an extractor stage's options have a `layer` key (read from its JSON Schema). */
export function hasLayerOption(registry: Registry, name: string): boolean {
  const info = registry.list('extractor').find((s) => s.name === name);
  const props = (info?.optionsSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Boolean(props && 'layer' in props);
}

/**
 * Indices of the features a layer sweep applies to: those whose stage has a `layer` option.
 * Throws `E_CONFIG_INVALID` when none has one.
 */
export function layerCapableFeatures(registry: Registry, features: readonly AnyStageRef[]): number[] {
  const out = features.flatMap((f, i) => (hasLayerOption(registry, f.name) ? [i] : []));
  if (out.length === 0) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'trainer:config',
      message: `key "layers" sweeps the "layer" option, but none of the features has one (${features.map((f) => f.name).join(', ')})`,
      hint: 'Sweep layers of a language-model feature, e.g. features: [{ name: "lm", ... }].',
    });
  }
  return out;
}

/** The features with `layer` set on the swept ones. */
export function withLayer(features: readonly AnyStageRef[], targets: readonly number[], layer: number): AnyStageRef[] {
  return features.map((f, i) => (targets.includes(i) ? { name: f.name, options: { ...(f.options ?? {}), layer } } : f));
}
