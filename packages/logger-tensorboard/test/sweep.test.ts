/* eslint-disable @nx/enforce-module-boundaries -- the test composes a real run from plugin packages and the trainer (devDependencies, test files only). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '@voxelwise/core';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { assemblies } from '@voxelwise/assembly';
import { downsamplers } from '@voxelwise/downsample';
import { createTinyGpt2, lmFeatures } from '@voxelwise/features-lm';
import { ridge } from '@voxelwise/ridge';
import { readScores, train } from '@voxelwise/trainer';
import { histogramOf, rEdges, tensorboard } from '../src/index.js';
import { readerUnavailable, runReader } from './helpers/reader.js';

const skip = readerUnavailable ? `tensorboard_reader.py cannot run here: ${readerUnavailable}` : '';

describe.skipIf(Boolean(skip))(`tensorboard logger in a layer sweep${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  it('logs each layer as a step: per-layer scalars and r histograms', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vw-tb-sweep-'));
    const model = await createTinyGpt2(join(root, 'model'), { seed: 2, layers: 3, dModel: 32, heads: 4, positions: 128 });
    const lm = { model: model.dir, layer: 2, lookback: 32, contextType: 'sliding' } as const;
    const events: VoxelwiseEvent[] = [];
    const logDir = join(root, 'tb');
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
        loggers: [{ name: 'tensorboard', options: { logDir, images: false } }],
      },
      {
        registry: createRegistry().use(assemblies()).use(lmFeatures()).use(downsamplers()).use(ridge()).use(tensorboard()),
        onEvent: (e) => events.push(e),
      },
    );
    const out = runReader(join(logDir, result.runId)).out!;
    const layerMetrics = events.filter(
      (e): e is Extract<VoxelwiseEvent, { type: 'metric' }> => e.type === 'metric' && e.name.startsWith('layer/'),
    );
    expect(layerMetrics.length).toBeGreaterThanOrEqual(4 * 3);
    for (const m of layerMetrics) expect(out.scalars[m.name]).toContainEqual([m.step, Math.fround(m.value)]);
    expect(out.scalars['layer/median_score']!.map(([step]) => step)).toEqual([0, 1, 2, 3]);
    const edges = rEdges(100);
    const all = out.histograms['r/all']!;
    expect(all.map((h) => h.step)).toEqual([0, 1, 2, 3]);
    for (const h of all) {
      const scores = await readScores(join(result.runDir, 'layers', `layer-${h.step}`, 'scores.arrow'));
      const expected = histogramOf(scores.r, edges)!;
      expect(h.bucket).toEqual(expected.bucket);
      expect(h.bucket_limit).toEqual(expected.bucket_limit);
      expect(h.num).toBe(scores.r.length);
    }
    expect(out.images).toEqual({});
  });
});
