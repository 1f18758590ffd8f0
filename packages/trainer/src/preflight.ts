import { canonicalJson, voxelwiseError } from '@voxelwise/core';
import type { AnyStageRef, Assembly, Registry, StageContext } from '@voxelwise/core';
import type { ResolvedConfig } from './config.js';
import type { SplitPlan } from './pipeline.js';
import { storyFile } from './pipeline.js';
import { withLayer } from './sweep.js';
import { checkStoryTrim, storyTrim, trimmingSlices } from './trimming.js';

/**
 * Checks every story of the plan before any feature is extracted or model fitted: its trims keep
 * aligned rows, and the longest FIR delay is shorter than the rows it keeps. A delay at least as
 * long as a story's kept rows shifts every kept row past the story (all zeros in LITcoder's
 * per-story order, another story's rows in Huth's), which scored r = 0 everywhere before.
 */
export async function checkStories(config: ResolvedConfig, plan: SplitPlan, assembly: Assembly): Promise<void> {
  const slices = trimmingSlices(config.trimming);
  const roles: Array<['train' | 'test', readonly string[]]> =
    plan.mode === 'nested-cv'
      ? [['train', plan.stories]]
      : [
          ['train', plan.train],
          ['test', plan.test],
        ];
  const longest = Math.max(...config.delays.map(Math.abs));
  for (const [role, names] of roles) {
    for (const name of names) {
      const story = await assembly.story(name);
      const trim = storyTrim(story, role, slices);
      checkStoryTrim(story, role, trim, slices.checkAlignment ?? true);
      if (longest >= trim.featureRows) {
        const file = storyFile(story);
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'trainer:delays',
          message: `key "delays" reaches ${longest} TRs, but story "${name}" (${role}) keeps only ${trim.featureRows} rows after trimming${file ? ` (${file})` : ''}: every delayed row would fall outside the story`,
          got: config.delays,
          expected: `delays shorter than ${trim.featureRows} TRs`,
          details: { story: name, role, option: 'delays', ...(file ? { file } : {}) },
          hint: 'Use shorter delays, smaller trims, or leave the story out (split.stories).',
        });
      }
    }
  }
}

/** A variant of a run: the whole config, or one layer of a sweep. */
export interface PlannedVariant {
  label: string;
  layer?: number;
  features: AnyStageRef[];
}

/**
 * The variants of a sweep with every layer checked against the model before the first fit: each
 * swept extractor with `describe()` (core `FeatureExtractor`) reports its layer count `n`;
 * layers outside `−n … n − 1` fail naming the layer and the model, negative layers become
 * `n + layer` (the `lm` convention), and two entries naming the same layer fail. Extractors
 * without `describe` keep the layers as written.
 */
export async function checkSweep(
  registry: Registry,
  config: ResolvedConfig,
  targets: readonly number[],
  ctx: StageContext,
): Promise<PlannedVariant[]> {
  const layers = config.layers;
  if (!layers) return [{ label: 'main', features: config.features }];
  let depth: { layers: number; feature: number; id: string } | undefined;
  for (const k of targets) {
    const ref = withLayer(config.features, targets, layers[0]!)[k]!;
    const ex = await registry.create('extractor', ref, ctx);
    try {
      const d = await ex.describe?.(ctx);
      if (d?.layers !== undefined && (depth === undefined || d.layers < depth.layers)) depth = { layers: d.layers, feature: k, id: ex.id };
    } finally {
      await ex.dispose?.();
    }
  }
  const resolved = layers.map((layer, i) => {
    if (!depth) return layer;
    const n = depth.layers;
    if (layer < -n || layer >= n) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'trainer:sweep',
        message: `key "layers[${i}]" is layer ${layer}, but features[${depth.feature}] (${depth.id}) has ${n} layers: 0..${n - 1}, or −${n}..−1 from the end`,
        got: layer,
        expected: `−${n} … ${n - 1}`,
        details: { option: `layers[${i}]`, feature: `features[${depth.feature}]` },
        hint: 'Drop the layers past the model\'s depth (e.g. "--layer 0..' + String(n - 1) + '").',
      });
    }
    return layer < 0 ? n + layer : layer;
  });
  const seen = new Map<number, number>();
  for (const [i, l] of resolved.entries()) {
    const j = seen.get(l);
    if (j !== undefined) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'trainer:sweep',
        message: `key "layers[${i}]" (${layers[i]}) is the same layer as layers[${j}] (${layers[j]}): layer ${l}`,
        got: layers,
      });
    }
    seen.set(l, i);
  }
  return resolved.map((layer) => {
    const features = withLayer(config.features, targets, layer);
    // Two entries that differed only in their layer would give the same columns twice.
    const keys = new Map<string, number>();
    for (const [i, f] of features.entries()) {
      const key = canonicalJson({ name: f.name, options: f.options ?? {} });
      const j = keys.get(key);
      if (j !== undefined) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'trainer:sweep',
          message: `key "layers": at layer ${layer}, features[${i}] and features[${j}] ("${f.name}") become the same feature`,
          hint: 'Sweep one language-model feature, or remove the repeated one.',
        });
      }
      keys.set(key, i);
    }
    return { label: `layer-${layer}`, layer, features };
  });
}
