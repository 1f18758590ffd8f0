import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext, createRng, hashString, pearson } from '@voxelwise/core';
import type { FeatureSet, Story, VoxelwiseEvent } from '@voxelwise/core';
import { encodeNpy, simulateSubject, writeSimulatedLebel } from '@voxelwise/assembly';
import { createTinyGpt2 } from '@voxelwise/features-lm';
import { defineConfig, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';
import { nullBand, rankSeparation, simulatedAr1 } from './null-band.js';

describe('integration', () => {
  it("runs the seed tutorial's configuration end to end on a LeBel-layout subject (tiny GPT-2)", async () => {
    const root = mkdtempSync(join(tmpdir(), 'vw-seed-'));
    const cacheDir = join(root, 'cache');
    const model = await createTinyGpt2(join(root, 'tiny-gpt2'), { seed: 7, layers: 2, dModel: 32, heads: 4, positions: 260 });
    // LITcoder tutorial: gpt2-small layer 9, last token, lookback 256, fullcontext. The tiny model has 2 blocks.
    const lm = { model: model.dir, layer: 2, lookback: 256, contextType: 'fullcontext', pooling: 'lastToken' } as const;
    // Simulate a subject whose voxels respond to that layer, and write it in the ds003020 layout.
    const registry = testRegistry();
    const ctx = createContext({ registry, cacheDir });
    const extractor = await registry.create('extractor', { name: 'lm', options: lm }, ctx);
    const sim = await simulateSubject(
      { seed: 21, stories: 3, duration: 170, voxels: 40, plantedFraction: 0.5, subject: 'UTS03', testRepeats: 10 },
      { features: (story: Story) => extractor.extract(story, ctx) as Promise<FeatureSet> },
    );
    const ds = join(root, 'ds003020');
    await writeSimulatedLebel(sim, ds);

    const config = defineConfig({
      name: 'seed-tutorial',
      outDir: join(root, 'results'),
      cacheDir,
      // load_assembly("assembly_lebel_uts03.pkl") → the raw dataset, read in place
      assembly: { name: 'lebel', options: { root: ds, subject: 'UTS03' } },
      // FeatureExtractorFactory.create_extractor(modality="language_model", …)
      features: [{ name: 'lm', options: lm }],
      // downsample_config={} would be LITcoder's rect; the tutorial's paper setting is Lanczos (window 3)
      downsampler: { name: 'lanczos', options: { window: 3, cutoffMult: 1 } },
      // fir_delays=[1, 2, 3, 4]
      delays: [1, 2, 3, 4],
      // AbstractTrainer order: delays per story → trim → z-score
      preset: 'litcoder',
      // trimming_config, as written in the tutorial
      trimming: {
        train_features_start: 10,
        train_features_end: -5,
        train_targets_start: 0,
        train_targets_end: null,
        test_features_start: 50,
        test_features_end: -5,
        test_targets_start: 40,
        test_targets_end: null,
      },
      // use_train_test_split=True: the last story (wheretheressmoke) is held out
      split: { testStories: ['wheretheressmoke'] },
      // NestedCVModel: ridge, alphas logspace(-1, 8, 10), normalpha, inner CV
      model: { name: 'ridge-cv' },
    });
    const events: VoxelwiseEvent[] = [];
    const result = await train(config, { registry, onEvent: (e) => events.push(e) });
    // The imported words are the simulated ones, so every story's activations come from the cache.
    expect(events.filter((e) => e.type === 'metric' && e.name === 'lm/words_per_second')).toEqual([]);
    expect(result.metrics['test_stories']).toEqual(['wheretheressmoke']);
    const grid = (await (await import('@voxelwise/assembly')).openLebel({ root: ds, subject: 'UTS03' })).story('wheretheressmoke');
    expect(result.metrics['n_test_trs']).toBe((await grid).trTimes.length - 55);
    expect(result.metrics['n_features']).toBe(32 * 4);
    const r = result.evaluation.voxels.r;
    const planted = sim.truth.planted;
    const noise = Array.from(r).filter((_, v) => !planted[v]);
    const signal = Array.from(r).filter((_, v) => planted[v]);
    // Noise voxels stay inside the null band; planted voxels rank above them: the share of
    // (planted, noise) pairs in that order is far above its null (0.5 ± sd of Mann–Whitney's U/mn).
    const band = nullBand(result.metrics['n_test_trs'] as number, sim.options.ar1);
    for (const x of noise) expect(Math.abs(x)).toBeLessThan(band);
    const sep = rankSeparation(signal, noise);
    expect(sep.auc).toBeGreaterThan(0.5 + 4 * sep.nullSd);
  });

  it('recovers the planted model from precomputed word features: fitted r tracks the best achievable r', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vw-pre-'));
    const dir = join(root, 'features');
    mkdirSync(dir);
    const dim = 6;
    // Word vectors fixed per word (seeded by its text), as a Python pipeline would save them.
    const vectors = (story: Story): FeatureSet => {
      const n = story.words.text.length;
      const data = new Float32Array(n * dim);
      story.words.text.forEach((w, i) => {
        if (w === '') return;
        const r = createRng(hashString(w.toLowerCase()));
        for (let k = 0; k < dim; k++) data[i * dim + k] = r.normal();
      });
      writeFileSync(join(dir, `${story.name}.npy`), encodeNpy({ rows: n, cols: dim, data }));
      return { level: 'word', data: { rows: n, cols: dim, data } };
    };
    const simOptions = { seed: 8, stories: 5, duration: 220, voxels: 60, plantedFraction: 0.5, snrMin: 0.2, snrMax: 3 };
    const sim = await simulateSubject(simOptions, { features: vectors });
    const result = await train(
      {
        name: 'precomputed',
        outDir: join(root, 'results'),
        // The same subject, planted on the same vectors, now read back from the .npy files.
        assembly: { name: 'simulated', options: { ...simOptions, extractor: { name: 'precomputed', options: { dir } } } },
        features: [{ name: 'precomputed', options: { dir } }],
      },
      { registry: testRegistry() },
    );
    const meta = result.assemblyMetadata['groundTruth'] as { planted: number[]; bestR: number[] };
    // The same subject as simulated above (the .npy round trip only changes float rounding).
    meta.bestR.forEach((b, v) => expect(b).toBeCloseTo(sim.truth.bestR[v]!, 6));
    const n = result.metrics['n_test_trs'] as number;
    const band = nullBand(n, simulatedAr1(result.assemblyMetadata));
    const planted = meta.planted.flatMap((p, v) => (p ? [v] : []));
    const noise = meta.planted.flatMap((p, v) => (p ? [] : [v]));
    const r = result.evaluation.voxels.r;
    // Across planted voxels the fitted test r follows the simulator's ceiling closely…
    expect(
      pearson(
        planted.map((v) => r[v]!),
        planted.map((v) => meta.bestR[v]!),
      ),
    ).toBeGreaterThan(0.9);
    // …never exceeds it by more than sampling noise, and keeps most of it (estimation error from finite training data costs the rest).
    for (const v of planted) expect(r[v]!, `voxel ${v}`).toBeLessThan(meta.bestR[v]! + band);
    const strong = planted.filter((v) => meta.bestR[v]! > 0.6);
    expect(strong.length).toBeGreaterThan(5);
    const ratios = planted.map((v) => r[v]! / meta.bestR[v]!).sort((a, b) => a - b);
    expect(ratios[ratios.length >> 1]).toBeGreaterThan(0.85);
    expect(ratios[0]).toBeGreaterThan(0.6);
    for (const v of noise) expect(Math.abs(r[v]!), `voxel ${v}`).toBeLessThan(band);
    // The fitted weights point the planted way (design columns = the simulator's: 6 features × delays
    // 1–4): closely where the signal dominates, and mostly elsewhere (ridge shrinks the rest).
    const W = result.variants[0]!.fitted!.weights!;
    const T = sim.truth.weights;
    const column = (m: { rows: number; cols: number; data: ArrayLike<number> }, v: number) =>
      Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + v]!);
    const agreement = (v: number) => pearson(column(W, v), column(T, v));
    const clean = strong.filter((v) => meta.bestR[v]! >= 0.95);
    expect(clean.length).toBeGreaterThan(3);
    for (const v of clean) expect(agreement(v), `voxel ${v}`).toBeGreaterThan(0.9);
    const all = strong.map(agreement).sort((a, b) => a - b);
    expect(all[all.length >> 1]).toBeGreaterThan(0.9);
  });
});
