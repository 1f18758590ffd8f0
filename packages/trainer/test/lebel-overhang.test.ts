import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '@voxelwise/core';
import type { VoxelwiseEvent } from '@voxelwise/core';
import {
  assemblies,
  importLebel,
  openAssembly,
  openHdf5Matrix,
  openLebel,
  simulateSubject,
  writeHdf5Matrix,
  writeSimulatedLebel,
} from '@voxelwise/assembly';
import { basicFeatures } from '@voxelwise/features-basic';
import { downsamplers } from '@voxelwise/downsample';
import { ridge } from '@voxelwise/ridge';
import { readRunJson, train } from '../src/index.js';

/** Shortens every story's scan by `k` TRs (respdict − k, the last k hf5 rows dropped): the speech now runs past the grid end. */
async function endScansEarly(ds: string, subject: string, k: number): Promise<void> {
  const file = join(ds, 'derivative', 'respdict.json');
  const respdict = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  for (const [story, n] of Object.entries(respdict)) {
    const hf5 = join(ds, 'derivative', 'preprocessed_data', subject, `${story}.hf5`);
    const m = await openHdf5Matrix(hf5);
    const rows = m.rows - k;
    const data = m.read(0, rows, 0, m.cols);
    m.close();
    await writeHdf5Matrix(hf5, { rows, cols: m.cols, data });
    respdict[story] = n - k;
  }
  writeFileSync(file, JSON.stringify(respdict));
}

describe('a LeBel-layout subject whose speech overhangs the scan grid', () => {
  it('imports with a warning and gives the same per-voxel r through Arrow as in place', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vw-overhang-'));
    const sim = await simulateSubject({
      seed: 31,
      stories: 4,
      duration: 150,
      voxels: 16,
      plantedFraction: 0.5,
      subject: 'UTS03',
      testRepeats: 2,
    });
    const ds = join(root, 'ds003020');
    await writeSimulatedLebel(sim, ds);
    // The simulator's grid runs 22–24 s past the speech (gridLength); 13 TRs fewer put the last words past its end.
    await endScansEarly(ds, 'UTS03', 13);

    const inPlace = await openLebel({ root: ds, subject: 'UTS03' });
    const overhanging = [];
    for (const name of inPlace.storyNames) if ((await inPlace.story(name)).overhang) overhanging.push(name);
    expect(overhanging.length).toBeGreaterThan(0);

    const importEvents: VoxelwiseEvent[] = [];
    const vw = join(root, 'UTS03.vw');
    const imported = await importLebel({ root: ds, subject: 'UTS03' }, vw, { emit: (e) => importEvents.push(e) });
    const warned = importEvents.filter((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('past the end of the scan'));
    expect(warned).toHaveLength(overhanging.length);
    expect(imported.manifest.stories.filter((s) => s.overhang).map((s) => s.name)).toEqual(overhanging);
    const arrow = await openAssembly(vw);
    expect((await arrow.story(overhanging[0]!)).overhang).toEqual((await inPlace.story(overhanging[0]!)).overhang);

    // The registry composed from the plugin packages, as the trainer's own tests do.
    const registry = createRegistry().use(assemblies()).use(basicFeatures()).use(downsamplers()).use(ridge());
    const config = (assembly: unknown, name: string) => ({
      name,
      outDir: join(root, 'results'),
      cacheDir: join(root, 'cache'),
      assembly,
      features: [{ name: 'wordrate', options: { mode: 'huth' } }],
      downsampler: { name: 'lanczos', options: { window: 3, cutoffMult: 1 } },
      delays: [1, 2, 3, 4],
      split: { testStories: ['wheretheressmoke'] },
      model: { name: 'ridge-cv' },
    });
    const runEvents: VoxelwiseEvent[] = [];
    const a = await train(config({ name: 'lebel', options: { root: ds, subject: 'UTS03' } }, 'in-place'), {
      registry,
      onEvent: (e) => runEvents.push(e),
    });
    const b = await train(config({ name: 'arrow', options: { path: vw } }, 'imported'), { registry });
    expect(runEvents.some((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('past the end of the scan'))).toBe(true);
    const ra = Array.from(a.evaluation.voxels.r);
    const rb = Array.from(b.evaluation.voxels.r);
    expect(ra.length).toBe(16);
    expect(rb).toEqual(ra);
    expect(ra.some((r) => r > 0.3)).toBe(true);
    // Both runs record which stories overhang, and by how much, as the sources reported it.
    for (const run of [a, b]) {
      const recorded = (await readRunJson(run.runDir)).overhang ?? {};
      const used = overhanging.filter((name) => name in recorded);
      expect(used.length).toBeGreaterThan(0);
      expect(recorded[used[0]!]).toEqual((await inPlace.story(used[0]!)).overhang);
    }
  }, 120_000);
});
