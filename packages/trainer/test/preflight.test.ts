import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, defineStage, z } from '@voxelwise/core';
import type { StageContext, Story, VoxelwiseEvent } from '@voxelwise/core';
import { createTinyGpt2 } from '@voxelwise/features-lm';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { resolveConfig, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

const out = () => mkdtempSync(join(tmpdir(), 'vw-preflight-'));
const sim = { name: 'simulated', options: { seed: 5, stories: 4, duration: 160, voxels: 12, plantedFraction: 0.5 } } as const;

/** A TR-level extractor giving `cols` columns, one fewer for story `shortOn`; counts its calls. */
function columnsPlugin(seen: { calls: number }) {
  return definePlugin('columns', [
    defineStage({
      kind: 'extractor',
      name: 'columns',
      description: 'TR-level noise columns; one fewer on one story',
      options: z.object({ cols: z.number().int().default(2), shortOn: z.string().optional() }).strict(),
      create: (o) => ({
        id: 'columns',
        level: 'tr' as const,
        async extract(story: Story, ctx: StageContext) {
          seen.calls++;
          const n = story.trTimes.length;
          const c = story.name === o.shortOn ? o.cols - 1 : o.cols;
          const rng = ctx.rng(`columns:${story.name}`);
          return { level: 'tr' as const, data: { rows: n, cols: c, data: Float64Array.from({ length: n * c }, () => rng.normal()) } };
        },
      }),
    }),
  ]);
}

const stageStarts = (events: VoxelwiseEvent[], prefix: string) =>
  events.filter((e) => e.type === 'stage:start' && e.stage.startsWith(prefix)).length;

describe('checks before any fitting', () => {
  it('a test story with fewer feature columns fails before the fit, naming the story, role and extractor', async () => {
    const seen = { calls: 0 };
    const events: VoxelwiseEvent[] = [];
    const err = await expectVoxelwiseError(
      () =>
        train(
          {
            outDir: out(),
            assembly: sim,
            features: [{ name: 'wordrate' }, { name: 'columns', options: { shortOn: 'wheretheressmoke' } }],
          },
          { registry: testRegistry().use(columnsPlugin(seen)), onEvent: (e) => events.push(e) },
        ),
      'E_SHAPE_MISMATCH',
      'story "wheretheressmoke" (test)',
      'extractor columns (features[1])',
    );
    expect(err.details).toMatchObject({ story: 'wheretheressmoke', role: 'test', option: 'features[1]' });
    expect(stageStarts(events, 'model/')).toBe(0);
  });

  it('duplicate feature entries and duplicate delays are config errors naming the key', async () => {
    const base = { assembly: sim, features: [{ name: 'wordrate' }] };
    await expectVoxelwiseError(
      () =>
        resolveConfig({
          ...base,
          features: [
            { name: 'wordrate', options: { mode: 'huth' } },
            { name: 'wordrate', options: { mode: 'huth' } },
          ],
        }),
      'E_CONFIG_INVALID',
      'key "features[1]" repeats features[0]',
    );
    await expectVoxelwiseError(
      () => resolveConfig({ ...base, delays: [1, 2, 2, 3] }),
      'E_CONFIG_INVALID',
      'key "delays[2]" repeats delay 2',
    );
    // Same stage, different options: two features.
    expect(
      resolveConfig({ ...base, features: [{ name: 'wordrate' }, { name: 'wordrate', options: { mode: 'huth' } }] }).features,
    ).toHaveLength(2);
  });

  it('delays longer than a story (after trimming) fail before extraction, naming the story', async () => {
    const seen = { calls: 0 };
    await expectVoxelwiseError(
      () =>
        train(
          { outDir: out(), assembly: sim, features: [{ name: 'columns' }], delays: [1, 2, 500] },
          { registry: testRegistry().use(columnsPlugin(seen)) },
        ),
      'E_CONFIG_INVALID',
      'key "delays" reaches 500 TRs',
      /story "[a-z0-9]+" \(train\) keeps only \d+ rows after trimming/,
    );
    expect(seen.calls).toBe(0);
  });

  it('every layer of a sweep is checked against the model before the first fit; negative layers count from the end', async () => {
    const root = out();
    const model = await createTinyGpt2(join(root, 'model'), { seed: 2, layers: 3, dModel: 16, heads: 2, positions: 64 });
    const lm = { model: model.dir, layer: 1, lookback: 16, contextType: 'sliding' } as const;
    const small = { name: 'simulated', options: { seed: 4, stories: 3, duration: 120, voxels: 10, plantedFraction: 0.6 } } as const;
    const config = {
      outDir: join(root, 'results'),
      cacheDir: join(root, 'cache'),
      assembly: small,
      features: [{ name: 'lm', options: lm }],
    };
    const events: VoxelwiseEvent[] = [];
    await expectVoxelwiseError(
      () => train({ ...config, layers: [0, 1, 4] }, { registry: testRegistry(), onEvent: (e) => events.push(e) }),
      'E_CONFIG_INVALID',
      'key "layers[2]" is layer 4',
      'has 4 layers: 0..3, or −4..−1 from the end',
    );
    expect(stageStarts(events, 'features/')).toBe(0);
    expect(stageStarts(events, 'model/')).toBe(0);
    await expectVoxelwiseError(() => train({ ...config, layers: [3, -1] }, { registry: testRegistry() }), 'E_CONFIG_INVALID', 'same layer');

    const r = await train({ ...config, layers: [-1, 0] }, { registry: testRegistry() });
    expect(r.variants.map((v) => v.label)).toEqual(['layer-3', 'layer-0']);
    expect(readdirSync(join(r.runDir, 'layers')).sort()).toEqual(['layer-0', 'layer-3']);
    // The resolved config shows the selected layer, not the layer the config was written with.
    const written = JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8'));
    expect(written.selectedLayer).toBe(r.metrics['selected_layer']);
    expect(written.features[0].options.layer).toBe(r.metrics['selected_layer']);
    // The report names the selected layer in its headline.
    const html = readFileSync(join(r.runDir, 'report.html'), 'utf8');
    expect(html).toContain('id="headline-layer"');
  });
});
