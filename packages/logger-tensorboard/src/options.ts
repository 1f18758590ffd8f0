import { z } from '@voxelwise/core';

/** Options of the `tensorboard` logger (validated; unknown keys are an error). */
export const tensorboardOptionsSchema = z
  .object({
    /**
     * Directory TensorBoard reads (`tensorboard --logdir <logDir>`); each run writes
     * `<logDir>/<run-id>/events.out.tfevents.<time>.<host>`. A relative path is taken from the
     * working directory. @default "<outDir>/tensorboard", beside the run directories
     */
    logDir: z.string().min(1).optional(),
    /** Buckets of the r histograms, equal widths over [-1, 1]. */
    histogramBins: z.number().int().min(2).max(2000).default(100),
    /** Screenshot the report's charts as images (needs Chromium; skipped with a log event otherwise). */
    images: z.boolean().default(true),
    /** At most this many charts become images. */
    maxImages: z.number().int().min(0).default(32),
    /** How long the end of a run may wait for Chromium, milliseconds. */
    imageTimeoutMs: z.number().int().positive().default(30_000),
    /** Flush buffered events to disk at least this often, milliseconds (TensorFlow's writers use 120 s). */
    flushMs: z.number().int().positive().default(10_000),
  })
  .strict();

/** Options of the `tensorboard` logger as written in a config. */
export type TensorboardOptions = z.input<typeof tensorboardOptionsSchema>;

/** Options with defaults filled. */
export type ResolvedTensorboardOptions = z.output<typeof tensorboardOptionsSchema>;

declare module '@voxelwise/core' {
  interface LoggerOptionsMap {
    tensorboard: TensorboardOptions;
  }
}
