import { describe, expectTypeOf, it } from 'vitest';
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
});
