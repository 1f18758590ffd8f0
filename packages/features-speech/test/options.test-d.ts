import { describe, expectTypeOf, it } from 'vitest';
import type { ExtractorOptionsMap } from '@voxelwise/core';
import type { SpeechOptions } from '../src/index.js';
import '../src/index.js';

describe('speech options types', () => {
  it('augments the extractor options map', () => {
    expectTypeOf<ExtractorOptionsMap['speech']>().toEqualTypeOf<SpeechOptions>();
    expectTypeOf<SpeechOptions['layer']>().toEqualTypeOf<number | 'last'>();
    expectTypeOf<SpeechOptions['pool']>().toEqualTypeOf<'last' | 'mean' | undefined>();
    expectTypeOf<SpeechOptions['hop']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SpeechOptions['layers']>().toEqualTypeOf<'needed' | 'all' | undefined>();
    // @ts-expect-error: layers is needed or all
    const badLayers: SpeechOptions = { model: 'm', layer: 0, layers: 'some' };
    void badLayers;
    // @ts-expect-error: pool is last or mean
    const bad: SpeechOptions = { model: 'm', layer: 0, pool: 'max' };
    void bad;
  });
});
