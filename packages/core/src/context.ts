import { createEventBus } from './events.js';
import type { EventSink } from './events.js';
import { createRng } from './rng.js';
import type { Registry } from './registry.js';
import type { StageContext } from './stages.js';

/** Options of {@link createContext}. */
export interface ContextOptions {
  /** @default 0 */
  seed?: number;
  /** Where events go. @default a bus with no subscribers */
  emit?: EventSink;
  signal?: AbortSignal;
  /** @default '.voxelwise-cache' */
  cacheDir?: string;
  /** Bytes. @default 4 GiB */
  memoryBudget?: number;
  /** Lets stages create other stages by name through `ctx.stages`. */
  registry?: Registry;
  /** Recompute instead of reading caches. @default false */
  refresh?: boolean;
}

/**
 * Builds a {@link StageContext}: for tests and scripts that use stages outside the trainer.
 *
 * @example
 * const ctx = createContext({ seed: 1 });
 */
export function createContext(options: ContextOptions = {}): StageContext {
  const seed = options.seed ?? 0;
  const base = createRng(seed);
  const ctx: StageContext = {
    seed,
    rng: (stream) => base.fork(stream),
    emit: options.emit ?? createEventBus().emit,
    cacheDir: options.cacheDir ?? '.voxelwise-cache',
    memoryBudget: options.memoryBudget ?? 4 * 1024 ** 3,
    ...(options.refresh ? { refresh: true } : {}),
  };
  const withSignal: StageContext = options.signal ? { ...ctx, signal: options.signal } : ctx;
  const registry = options.registry;
  if (!registry) return withSignal;
  const full: StageContext = { ...withSignal, stages: { create: (kind, ref) => registry.create(kind, ref, full) } };
  return full;
}
