import { resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import type { EventSink, Registry } from '@voxelwise/core';
import { resolveConfig, runContext } from '@voxelwise/trainer';
import type { SweepPlan } from './plan.js';

/** Options of {@link extractGroup}. */
export interface ExtractGroupOptions {
  /** The registry holding the stages the cells name (the CLI's, with the config's plugins). */
  registry: Registry;
  onEvent?: EventSink;
  signal?: AbortSignal;
}

/**
 * Fills the feature cache for one extraction group before its fits start: loads the group's
 * assembly once and runs each of its extractors over every story. Extractors that cache (the `lm`
 * extractor caches every layer of a story in one pass) leave the result on the shared cache for
 * the cells; the others simply recompute in each cell. Returns the number of stories.
 */
export async function extractGroup(plan: SweepPlan, group: number, options: ExtractGroupOptions): Promise<number> {
  const info = plan.extractGroups[group];
  const cell = info && plan.cells.find((c) => c.id === info.cells[0]);
  if (!info || !cell) {
    throw voxelwiseError({
      code: 'E_USAGE',
      where: 'sweep:extract',
      message: `sweep ${plan.name} has no extraction group ${group} (it has ${plan.extractGroups.length})`,
    });
  }
  const { plugins: _p, ...runConfig } = cell.config;
  const config = resolveConfig(runConfig, `${cell.dir}/config.json`);
  const resolved = { ...config, outDir: resolve(plan.cwd, config.outDir), cacheDir: resolve(plan.cwd, config.cacheDir) };
  const ctx = runContext(resolved, options.onEvent ?? (() => undefined), options.registry, options.signal);
  const source = await options.registry.create('assembly-source', resolved.assembly, ctx);
  const assembly = await source.load(ctx);
  const extractors = [];
  try {
    for (const ref of resolved.features) extractors.push(await options.registry.create('extractor', ref, ctx));
    let n = 0;
    for (const name of assembly.storyNames) {
      const story = await assembly.story(name);
      for (const extractor of extractors) await extractor.extract(story, ctx);
      n++;
      ctx.emit({
        type: 'stage:progress',
        stage: 'sweep/extract',
        done: n,
        total: assembly.storyNames.length,
        unit: 'stories',
        message: name,
      });
    }
    return n;
  } finally {
    for (const e of extractors) await e.dispose?.();
  }
}
