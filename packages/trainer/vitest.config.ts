import { mergeConfig } from 'vitest/config';
import { vitestPreset } from '../../tools/vitest-preset.ts';

// The type tests (test/*.test-d.ts) are compiled by the typecheck target (tsc over src and test,
// where an unused @ts-expect-error or a failed expectTypeOf is an error), so vitest need not
// type-check the whole workspace a second time.
export default mergeConfig(vitestPreset(), { test: { typecheck: { enabled: false } } });
