import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createContext, createRegistry, defineStage, z } from '@voxelwise/core';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { assemblies, lanczosResample, simulateSubject, writeSimulatedNative } from '../src/index.js';
import { expectSameAssembly, tmp } from './helpers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Stand-ins for plugins this package never imports: a `lanczos` downsampler and a word-length extractor. */
function testStages(calls: { lanczos: number }) {
  const lanczos = defineStage({
    kind: 'downsampler',
    name: 'lanczos',
    description: 'test lanczos',
    options: z.object({ window: z.number(), cutoffMult: z.number() }).strict(),
    create: (o) => ({
      id: 'lanczos',
      downsample: (input) => {
        calls.lanczos++;
        return lanczosResample(input, o.window, o.cutoffMult);
      },
    }),
  });
  const length = defineStage({
    kind: 'extractor',
    name: 'word-length',
    description: 'test extractor',
    options: z.object({}).strict(),
    create: () => ({
      id: 'word-length',
      level: 'word' as const,
      extract: async (story) => ({
        level: 'word' as const,
        data: { rows: story.words.text.length, cols: 1, data: Float64Array.from(story.words.text, (w) => w.length) },
        columns: ['length'],
      }),
    }),
  });
  return [lanczos, length] as const;
}

describe('assembly sources', () => {
  it('registers simulated, arrow, lebel, byo, narratives and lpp', () => {
    expect(createRegistry().use(assemblies()).names('assembly-source')).toEqual([
      'arrow',
      'byo',
      'lebel',
      'lpp',
      'narratives',
      'simulated',
    ]);
  });

  it('simulates through the registered lanczos downsampler, identical to the plain API', async () => {
    const calls = { lanczos: 0 };
    const registry = createRegistry().use(assemblies());
    for (const s of testStages(calls)) registry.use(s);
    const ctx = createContext({ registry });
    const options = { seed: 3, stories: 3, duration: 30, voxels: 6 };
    const source = await registry.create('assembly-source', { name: 'simulated', options }, ctx);
    const a = await source.load(ctx);
    expect(calls.lanczos).toBe(3);
    await expectSameAssembly(a, (await simulateSubject(options)).assembly);
  });

  it("falls back to the built-in Lanczos when none is registered, and plants an extractor's output", async () => {
    const events: VoxelwiseEvent[] = [];
    const registry = createRegistry()
      .use(assemblies())
      .use(testStages({ lanczos: 0 })[1]);
    const ctx = createContext({ registry, emit: (e) => events.push(e) });
    const source = await registry.create(
      'assembly-source',
      { name: 'simulated', options: { seed: 1, stories: 2, duration: 20, voxels: 3, extractor: { name: 'word-length' } } },
      ctx,
    );
    const a = await source.load(ctx);
    expect(a.metadata['groundTruth']).toMatchObject({ featureColumns: ['length'] });
    expect(events.some((e) => e.type === 'log' && e.message.includes('built-in Huth Lanczos'))).toBe(true);
    const bad = await registry.create('assembly-source', { name: 'simulated', options: { downsampler: { name: 'sinc' } } }, ctx);
    await expectVoxelwiseError(() => bad.load(ctx), 'E_STAGE_UNKNOWN', 'unknown downsampler "sinc"');
    await expectVoxelwiseError(
      () => registry.create('assembly-source', { name: 'simulated', options: { voxels: 'many' } }, ctx),
      'E_OPTIONS_INVALID',
      'option "voxels"',
    );
  });

  it('opens native, LeBel and bring-your-own data by name', async () => {
    const registry = createRegistry().use(assemblies());
    const ctx = createContext({ registry });
    const sim = await simulateSubject({ seed: 2, stories: 2, duration: 20, voxels: 4 });
    const dir = join(tmp(), 's.vw');
    await writeSimulatedNative(sim, dir);
    const arrow = await (await registry.create('assembly-source', { name: 'arrow', options: { path: dir } }, ctx)).load(ctx);
    await expectSameAssembly(arrow, sim.assembly);
    const lebel = await (
      await registry.create('assembly-source', { name: 'lebel', options: { root: join(fixtures, 'lebel-mini'), subject: 'UTS01' } }, ctx)
    ).load(ctx);
    expect(lebel.storyNames).toHaveLength(6);
    await expectVoxelwiseError(
      () => registry.create('assembly-source', { name: 'lebel', options: { root: 'x' } }, ctx),
      'E_OPTIONS_INVALID',
      'option "subject"',
    );
    const byo = await (
      await registry.create('assembly-source', { name: 'byo', options: { root: join(fixtures, 'lebel-mini') } }, ctx)
    )
      .load(ctx)
      .catch((e: unknown) => e);
    expect((byo as { code?: string }).code).toBe('E_FILE_NOT_FOUND');
  });
});
