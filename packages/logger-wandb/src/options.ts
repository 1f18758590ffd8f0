import { z } from '@voxelwise/core';

/** Options of the `wandb` logger (validated; unknown keys are an error). */
export const wandbOptionsSchema = z
  .object({
    /** W&B project. @default $WANDB_PROJECT or "voxelwise" */
    project: z.string().min(1).optional(),
    /** W&B entity (user or team). @default $WANDB_ENTITY, else the API key's default entity */
    entity: z.string().min(1).optional(),
    /**
     * `online` uploads when the run ends (queuing to disk if that fails); `offline` only queues to
     * disk for `voxelwise wandb sync`; `disabled` does nothing. @default $WANDB_MODE or "online"
     */
    mode: z.enum(['online', 'offline', 'disabled']).optional(),
    /** API server. @default $WANDB_BASE_URL or "https://api.wandb.ai" */
    baseUrl: z.url().optional(),
    /** Display name. @default the voxelwise run id */
    name: z.string().min(1).optional(),
    tags: z.array(z.string()).default([]),
    group: z.string().optional(),
    notes: z.string().optional(),
    /** Upload report.html, metrics.json and config.json of the run directory. */
    uploadFiles: z.boolean().default(true),
    /** Per-request timeout, milliseconds. */
    timeoutMs: z.number().int().positive().default(15_000),
    /** Retries of a failed request (network errors and 5xx), with exponential backoff. */
    retries: z.number().int().min(0).max(10).default(2),
  })
  .strict();

/** Options of the `wandb` logger as written in a config. */
export type WandbOptions = z.input<typeof wandbOptionsSchema>;

/** Options with defaults filled. */
export type ResolvedWandbOptions = z.output<typeof wandbOptionsSchema>;

declare module '@voxelwise/core' {
  interface LoggerOptionsMap {
    wandb: WandbOptions;
  }
}
