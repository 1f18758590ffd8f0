import { z } from '@voxelwise/core';

const splitFormat = z
  .enum(['auto', 'labels', 'boundaries'])
  .default('auto')
  .describe('How to read the story split indices: one TR label per word, np.split boundaries, or auto (by length).');

/** Options schema of the `lanczos` stage. */
export const lanczosSchema = z
  .object({
    window: z.number().positive().describe('Number of Lanczos lobes a (Huth and the LITcoder paper: 3).'),
    cutoffMult: z.number().positive().describe('Multiplier of the cut-off frequency 1/TR (usually 1).'),
    rectify: z.boolean().default(false).describe('Return [W·min(x,0) | W·max(x,0)]: twice the columns, negative part first.'),
  })
  .strict();

/** Options schema of the `sinc` stage. */
export const sincSchema = z
  .object({
    window: z
      .number()
      .positive()
      .describe('Support half-width in half-periods: weights are 0 where |τ| > window/(2B) (LITcoder function default 1).'),
    cutoffMult: z.number().positive().describe('Multiplier of the cut-off frequency B = 1/TR.'),
    causal: z.boolean().default(false).describe('Ignore words after the TR time.'),
    renorm: z.boolean().default(true).describe('Divide each TR row of weights by its sum (when not 0).'),
  })
  .strict();

/** Options schema of the `gabor` stage. */
export const gaborSchema = z
  .object({
    freqs: z.array(z.number()).min(1).describe('Modulation frequencies in Hz; one output column per feature and frequency.'),
    sigma: z.number().positive().describe('Gaussian envelope width in seconds (applied as exp(−Δ²/(4σ²)), as LITcoder).'),
  })
  .strict();

/** Options schema of the `rect` stage (none). */
export const rectSchema = z.object({}).strict();

/** Options schema of the split-index stages (`average`, `sum`, `last`, `legacy-*`). */
export const splitSchema = z.object({ splitFormat }).strict();

/** Options of the `lanczos` stage as written in configs. */
export type LanczosStageOptions = z.input<typeof lanczosSchema>;
/** Options of the `sinc` stage as written in configs. */
export type SincStageOptions = z.input<typeof sincSchema>;
/** Options of the `gabor` stage as written in configs. */
export type GaborStageOptions = z.input<typeof gaborSchema>;
/** Options of the `rect` downsampler (none). */
export type RectOptions = z.input<typeof rectSchema>;
/** Options of the split-index stages as written in configs. */
export type SplitStageOptions = z.input<typeof splitSchema>;

declare module '@voxelwise/core' {
  interface DownsamplerOptionsMap {
    lanczos: LanczosStageOptions;
    sinc: SincStageOptions;
    gabor: GaborStageOptions;
    rect: RectOptions;
    average: SplitStageOptions;
    sum: SplitStageOptions;
    last: SplitStageOptions;
    'legacy-average': SplitStageOptions;
    'legacy-sum': SplitStageOptions;
    'legacy-last': SplitStageOptions;
  }
}
