import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { DEFAULT_DOWNSAMPLER, resolveConfig } from '../src/config.js';
import { PRESETS } from '../src/presets.js';
import { configHash } from '../src/run-dir.js';
import { scienceKeys } from '../src/science-keys.js';

const base = { assembly: { name: 'simulated' }, features: [{ name: 'wordrate' }] };

describe('config', () => {
  it('fills the defaults: LITcoder order, Lanczos window 3 (not rect), FIR 1–4, story trims, held-out test stories', () => {
    const c = resolveConfig(base);
    expect(c.preset).toBe('litcoder');
    expect(c.downsampler).toEqual(DEFAULT_DOWNSAMPLER);
    expect(c.downsampler).toEqual({ name: 'lanczos', options: { window: 3, cutoffMult: 1 } });
    expect(c.delays).toEqual([1, 2, 3, 4]);
    expect(c.trimming).toBe('story');
    expect(c.split).toEqual({ mode: 'test-stories' });
    expect(c.saveWeights).toBe(true);
    expect(c.report).toEqual({ enabled: true, topVoxels: 6 });
  });

  it('accepts LITcoder trimming_config keys, missing start 0 and end None as LITcoder does', () => {
    const c = resolveConfig({
      ...base,
      trimming: {
        train_features_start: 10,
        train_features_end: -5,
        train_targets_start: 0,
        train_targets_end: null,
        test_features_start: 50,
        test_features_end: -5,
        test_targets_start: 40,
      },
    });
    expect(c.trimming).toEqual({
      trainFeatures: { start: 10, end: -5 },
      trainTargets: { start: 0, end: null },
      testFeatures: { start: 50, end: -5 },
      testTargets: { start: 40, end: null },
      checkAlignment: true,
    });
    expect(resolveConfig({ ...base, trimming: 'litcoder-lebel' }).trimming).toBe('litcoder-lebel');
  });

  it('names the offending key for clashing or unknown trimming keys', async () => {
    await expectVoxelwiseError(
      () => resolveConfig({ ...base, trimming: { train_features_start: 10, trainFeatures: { start: 10 } } }),
      'E_CONFIG_INVALID',
      'train_features_start',
    );
    await expectVoxelwiseError(
      () => resolveConfig({ ...base, trimming: { train_features_begin: 10 } }),
      'E_CONFIG_INVALID',
      'train_features_begin',
    );
    await expectVoxelwiseError(() => resolveConfig({ ...base, trimming: 'lebel' }), 'E_CONFIG_INVALID', 'trimming');
  });

  it('rejects split keys that do not fit the split mode, unknown presets and repeated layers', async () => {
    await expectVoxelwiseError(() => resolveConfig({ ...base, split: { outerFolds: 3 } }), 'E_CONFIG_INVALID', 'split.outerFolds');
    await expectVoxelwiseError(
      () => resolveConfig({ ...base, split: { mode: 'nested-cv', testStories: ['a'] } }),
      'E_CONFIG_INVALID',
      'split.testStories',
    );
    await expectVoxelwiseError(() => resolveConfig({ ...base, preset: 'himalaya' }), 'E_CONFIG_INVALID', 'preset');
    await expectVoxelwiseError(() => resolveConfig({ ...base, layers: [1, 2, 1] }), 'E_CONFIG_INVALID', 'layers');
    await expectVoxelwiseError(() => resolveConfig({ ...base, delay: [1] }), 'E_CONFIG_INVALID', 'delay');
  });

  it('presets state their order and z-scoring, and bring their model unless the config names one', () => {
    expect(PRESETS.litcoder).toMatchObject({ delays: 'per-story', zscoreFeatures: true, zscoreTargets: true });
    expect(PRESETS.huth).toMatchObject({ delays: 'after-stacking', zscoreFeatures: true, zscoreTargets: false });
    expect(resolveConfig(base).model).toEqual({ name: 'ridge-cv' });
    const huth = resolveConfig({ ...base, preset: 'huth' }).model;
    expect(huth.options).toMatchObject({
      normalpha: false,
      score: 'huth',
      folds: { type: 'bootstrap', nboots: 50, chunkLength: 40, nchunks: 125 },
    });
    // np.logspace(1, 3, 10), as Huth's encoding.py
    const grid = [
      10.0, 16.68100537200059, 27.825594022071243, 46.41588833612777, 77.4263682681127, 129.1549665014884, 215.44346900318823,
      359.38136638046257, 599.4842503189409, 1000.0,
    ];
    (huth.options!['alphas'] as number[]).forEach((a, i) => expect(a).toBeCloseTo(grid[i]!, 10));
    expect(resolveConfig({ ...base, preset: 'huth', model: { name: 'ridge-cv' } }).model).toEqual({ name: 'ridge-cv' });
  });

  it("the presets' model options are valid ridge-cv options", async () => {
    const { createRegistry } = await import('@voxelwise/core');
    const { ridge } = await import('@voxelwise/ridge');
    const registry = createRegistry().use(ridge());
    for (const name of ['litcoder', 'huth'] as const)
      expect(() => registry.resolveOptions('model', resolveConfig({ ...base, preset: name }).model)).not.toThrow();
  });

  it('hashes only what changes the numbers', () => {
    const a = resolveConfig({ ...base, outDir: 'x', cacheDir: 'y', memoryBudget: '1GB', name: 'one' });
    const b = resolveConfig({ ...base, outDir: 'z', name: 'two' });
    expect(configHash(scienceKeys(a))).toBe(configHash(scienceKeys(b)));
    expect(configHash(scienceKeys(a))).not.toBe(configHash(scienceKeys(resolveConfig({ ...base, seed: 1 }))));
  });

  it('hashes configs exactly as before canonical JSON moved to core (run ids and caches stay valid)', () => {
    // Digests of the trainer's own stableStringify + sha256, before it was replaced by core's canonicalJson.
    expect(configHash(scienceKeys(resolveConfig(base)))).toBe('3a63a66e240c22289cfd9d0da8bd02ced942577560cefe10564bbad88a259bbc');
    const sweep = resolveConfig({
      ...base,
      preset: 'huth',
      layers: [0, 9],
      trimming: 'litcoder-lebel',
      model: { name: 'ridge-cv', options: { alphas: [1, 10.5, 1e8], folds: { type: 'group', n: 5 } } },
    });
    expect(configHash(scienceKeys(sweep))).toBe('9c621bb83fb6465465cd6688e43686f46872101ad50cd74a9b8c97207f733982');
    expect(configHash({ z: 1, a: [1, undefined, { é: 'x', b: null }], m: undefined, n: -0.5 })).toBe(
      '38fe491c89a59b96217efba52826bddfc1943a5f9feea8bc255a555907a89581',
    );
  });

  it('memoryBudget: the sizes core parseSize reads, SI and binary units alike', async () => {
    const { parseSize } = await import('@voxelwise/core');
    for (const size of ['4GB', '4 gib', '512MiB', '1.5TB', '2TiB', '1e9', 4096]) {
      const c = resolveConfig({ ...base, memoryBudget: size });
      expect(parseSize(c.memoryBudget, 'memoryBudget')).toBeGreaterThan(0);
    }
    expect(parseSize(resolveConfig({ ...base, memoryBudget: '8GB' }).memoryBudget)).toBe(8e9);
    expect(parseSize(resolveConfig({ ...base, memoryBudget: '8GiB' }).memoryBudget)).toBe(8 * 2 ** 30);
    await expectVoxelwiseError(() => resolveConfig({ ...base, memoryBudget: '8 gigs' }), 'E_CONFIG_INVALID', '"memoryBudget"');
  });
});
