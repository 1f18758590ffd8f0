import { definePlugin, defineStage, z } from '@voxelwise/core';
import { wordRateHuth, wordRateLitcoder } from './wordrate.js';

const wordRateOptions = z
  .object({
    /** `litcoder`: non-empty words counted per TR (TR-level); `huth`: ones per word (word-level). */
    mode: z.enum(['litcoder', 'huth']).default('litcoder'),
  })
  .strict();

/** Options of the `wordrate` extractor. */
export type WordRateOptions = z.input<typeof wordRateOptions>;

declare module '@voxelwise/core' {
  interface ExtractorOptionsMap {
    wordrate: WordRateOptions;
  }
}

/** The `wordrate` extractor stage. */
export const wordRateStage = defineStage({
  kind: 'extractor',
  name: 'wordrate',
  description: 'Word rate: words per TR (litcoder, TR-level) or ones per word for Lanczos (huth, word-level).',
  options: wordRateOptions,
  create: (options) => ({
    id: `wordrate:${options.mode}`,
    level: options.mode === 'litcoder' ? 'tr' : 'word',
    extract: async (story) => (options.mode === 'litcoder' ? wordRateLitcoder(story) : wordRateHuth(story)),
  }),
});

/**
 * Simple feature extractors as a plugin.
 *
 * @example
 * const registry = createRegistry().use(basicFeatures());
 */
export function basicFeatures() {
  return definePlugin('@voxelwise/features-basic', [wordRateStage]);
}
