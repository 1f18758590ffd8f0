import { defineStage, z } from '@voxelwise/core';
import { wordRateHuth, wordRateLitcoder } from './wordrate.js';

const wordRateOptions = z
  .object({
    /** `litcoder`: non-empty words counted per TR (TR-level); `huth`: ones per word (word-level). */
    mode: z.enum(['litcoder', 'huth']).default('litcoder'),
    /** `litcoder` mode: `centered` TR windows, or LITcoder's `[t_i, t_{i+1})` for exact parity. */
    window: z.enum(['centered', 'litcoder']).optional(),
    /** `litcoder` windows: seconds covered by the last TR (LITcoder's generator `tr`). */
    lastWindow: z.number().positive().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.mode === 'huth' && (o.window !== undefined || o.lastWindow !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [o.window !== undefined ? 'window' : 'lastWindow'],
        message: 'applies to mode "litcoder" only (mode "huth" gives one row per word)',
      });
    }
  });

/** Options of the `wordrate` extractor. */
export type WordRateOptions = z.input<typeof wordRateOptions>;

declare module '@voxelwise/core' {
  interface ExtractorOptionsMap {
    wordrate: WordRateOptions;
  }
}

/**
 * The `wordrate` extractor stage.
 *
 * @example
 * features: [{ name: 'wordrate', options: { mode: 'huth' } }]
 */
export const wordRateStage = defineStage({
  kind: 'extractor',
  name: 'wordrate',
  description: 'Word rate: words per TR (litcoder, TR-level) or ones per word for Lanczos (huth, word-level).',
  options: wordRateOptions,
  create: (options) => ({
    id: `wordrate:${options.mode}`,
    level: options.mode === 'litcoder' ? 'tr' : 'word',
    extract: async (story) =>
      options.mode === 'litcoder'
        ? wordRateLitcoder(story, {
            ...(options.window ? { window: options.window } : {}),
            ...(options.lastWindow !== undefined ? { lastWindow: options.lastWindow } : {}),
          })
        : wordRateHuth(story),
  }),
});
