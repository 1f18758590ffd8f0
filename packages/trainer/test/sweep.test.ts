import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { createTinyGpt2 } from '@voxelwise/features-lm';
import { readScores, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

describe('layer sweep', () => {
  it('fits every layer from one language-model pass and writes a per-layer summary', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vw-sweep-'));
    const model = await createTinyGpt2(join(root, 'model'), { seed: 2, layers: 3, dModel: 32, heads: 4, positions: 128 });
    const lm = { model: model.dir, layer: 2, lookback: 32, contextType: 'sliding' } as const;
    const events: VoxelwiseEvent[] = [];
    const result = await train(
      {
        name: 'sweep',
        outDir: join(root, 'results'),
        cacheDir: join(root, 'cache'),
        assembly: {
          name: 'simulated',
          options: { seed: 4, stories: 3, duration: 150, voxels: 30, plantedFraction: 0.6, extractor: { name: 'lm', options: lm } },
        },
        features: [{ name: 'lm', options: lm }],
        layers: [0, 1, 2, 3],
      },
      { registry: testRegistry(), onEvent: (e) => events.push(e) },
    );
    const layers = result.metrics['layers'] as Array<Record<string, number>>;
    expect(layers.map((l) => l['layer'])).toEqual([0, 1, 2, 3]);
    expect(result.variants.map((v) => v.label)).toEqual(['layer-0', 'layer-1', 'layer-2', 'layer-3']);
    // The simulation ran the model once per story; every fit of the sweep read the cache.
    const passes = events.filter((e) => e.type === 'metric' && e.name === 'lm/words_per_second');
    expect(passes).toHaveLength(3);
    // Layers hold different features, so the fits differ; the planted layer beats the embeddings.
    const median = (l: number) => layers.find((x) => x['layer'] === l)!['median_score']!;
    expect(new Set(layers.map((l) => l['median_score'])).size).toBe(4);
    expect(median(2)).toBeGreaterThan(median(0));
    // The layer is chosen on the inner cross-validation of the training stories, and that choice
    // finds the layer the voxels were planted on.
    const selected = result.metrics['selected_layer'] as number;
    expect(result.metrics['selected_by']).toBe('cv_score');
    expect(layers.find((l) => l['layer'] === selected)!['cv_score']).toBe(Math.max(...layers.map((l) => l['cv_score']!)));
    expect(selected).toBe(2);
    // Per-layer metrics stream as steps (for loggers) and the run directory has every layer.
    const steps = events.filter((e) => e.type === 'metric' && e.name === 'layer/median_score').map((e) => (e as { step?: number }).step);
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(readdirSync(join(result.runDir, 'layers')).sort()).toEqual(['layer-0', 'layer-1', 'layer-2', 'layer-3']);
    const top = await readScores(join(result.runDir, 'scores.arrow'));
    const sel = await readScores(join(result.runDir, 'layers', `layer-${selected}`, 'scores.arrow'));
    expect(top.r).toEqual(sel.r);
    const metrics = JSON.parse(readFileSync(join(result.runDir, 'metrics.json'), 'utf8'));
    expect(metrics.selected_layer).toBe(selected);
    expect(readFileSync(join(result.runDir, 'report.html'), 'utf8')).toContain('id="chart-layers"');
  });
});
