import { expectTypeOf, test } from 'vitest';
import { defineConfig } from '../src/index.js';

test('the README config type-checks; a misspelled stage or a wrong option type does not', () => {
  const config = defineConfig({
    name: 'wordrate-baseline',
    assembly: { name: 'arrow', options: { path: 'data/UTS03' } },
    features: [{ name: 'wordrate' }],
    model: { name: 'ridge-cv', options: { nFolds: 5 } },
  });
  expectTypeOf(config).toBeObject();
  defineConfig({
    assembly: { name: 'arrow', options: { path: 'data/UTS03' } },
    // @ts-expect-error a stage name that no plugin registers
    features: [{ name: 'wordrat' }],
  });
  defineConfig({
    assembly: { name: 'arrow', options: { path: 'data/UTS03' } },
    features: [{ name: 'wordrate' }],
    // @ts-expect-error nFolds is a number
    model: { name: 'ridge-cv', options: { nFolds: 'five' } },
  });
});
