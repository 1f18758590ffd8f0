import { describe, expectTypeOf, it } from 'vitest';
// The plugins' option maps reach defineConfig through these imports, as in a consumer's project.
import type {} from '@voxelwise/assembly';
import type {} from '@voxelwise/downsample';
import type {} from '@voxelwise/features-basic';
import type {} from '@voxelwise/features-lm';
import type {} from '@voxelwise/logger-wandb';
import type {} from '@voxelwise/ridge';
import { defineConfig } from '../src/index.js';

describe('config types', () => {
  it('accepts registered stage names and options', () => {
    const config = defineConfig({
      assembly: { name: 'simulated', options: { seed: 1 } },
      features: [{ name: 'wordrate', options: { mode: 'huth' } }],
      downsampler: { name: 'rect' },
      model: { name: 'ridge-cv', options: { alphaMode: 'single' } },
    });
    expectTypeOf(config.features[0].name).toEqualTypeOf<'wordrate'>();
  });

  it('rejects a misspelled stage name', () => {
    defineConfig({
      assembly: { name: 'simulated' },
      // @ts-expect-error "wordrat" is not a registered extractor
      features: [{ name: 'wordrat' }],
    });
  });

  it('rejects a wrong option type', () => {
    defineConfig({
      assembly: { name: 'simulated' },
      features: [{ name: 'wordrate' }],
      // @ts-expect-error nFolds must be a number
      model: { name: 'ridge-cv', options: { nFolds: 'five' } },
    });
  });

  it("types the seed tutorial's config: lm options, LITcoder trimming keys, presets", () => {
    const config = defineConfig({
      assembly: { name: 'lebel', options: { root: 'ds003020', subject: 'UTS03' } },
      features: [
        { name: 'lm', options: { model: 'gpt2-small', layer: 9, lookback: 256, contextType: 'fullcontext', pooling: 'lastToken' } },
      ],
      trimming: {
        train_features_start: 10,
        train_features_end: -5,
        test_features_start: 50,
        test_features_end: -5,
        test_targets_start: 40,
        test_targets_end: null,
      },
      preset: 'huth',
      layers: [0, 9],
      loggers: [{ name: 'wandb', options: { project: 'lebel' } }],
    });
    expectTypeOf(config.preset).toEqualTypeOf<'huth'>();
  });

  it('rejects wrong trimming keys, presets and lm options', () => {
    defineConfig({
      assembly: { name: 'simulated' },
      features: [{ name: 'wordrate' }],
      // @ts-expect-error "train_feature_start" is not a LITcoder trimming key
      trimming: { train_feature_start: 10 },
    });
    defineConfig({
      assembly: { name: 'simulated' },
      features: [{ name: 'wordrate' }],
      // @ts-expect-error "himalaya" is not a preset
      preset: 'himalaya',
    });
    defineConfig({
      assembly: { name: 'simulated' },
      // @ts-expect-error pooling is "lastToken" or "mean"
      features: [{ name: 'lm', options: { model: 'gpt2', layer: 9, pooling: 'last' } }],
    });
  });
});
