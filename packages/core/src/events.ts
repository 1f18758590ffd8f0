import type { StageKind } from './stage-kinds.js';

/** Severity of a `log` event. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A stage began. `stage` is a path such as `features/lm` or `model/ridge-cv`. */
export interface StageStartEvent {
  type: 'stage:start';
  stage: string;
  kind?: StageKind;
  name?: string;
  /** Milliseconds since the epoch. */
  time: number;
}

/** Progress inside a stage: `done` of `total` `unit`s. */
export interface StageProgressEvent {
  type: 'stage:progress';
  stage: string;
  done: number;
  total: number;
  unit: string;
  /** Free text shown beside the bar (e.g. the story being processed). */
  message?: string;
}

/** A stage finished. */
export interface StageEndEvent {
  type: 'stage:end';
  stage: string;
  durationMs: number;
}

/** A scalar metric. */
export interface MetricEvent {
  type: 'metric';
  name: string;
  value: number;
  step?: number;
  stage?: string;
}

/** A message for the user. */
export interface LogEvent {
  type: 'log';
  level: LogLevel;
  message: string;
  stage?: string;
  details?: Record<string, unknown>;
}

/** A run began. */
export interface RunStartEvent {
  type: 'run:start';
  runId: string;
  runDir?: string;
  config: unknown;
  time: number;
}

/** A run ended with its headline numbers. */
export interface RunEndEvent {
  type: 'run:end';
  runId: string;
  runDir?: string;
  summary: Record<string, unknown>;
  durationMs: number;
  status: 'ok' | 'failed' | 'aborted';
}

/** Every event a voxelwise library may emit. Libraries never print; loggers render these. */
export type VoxelwiseEvent = StageStartEvent | StageProgressEvent | StageEndEvent | MetricEvent | LogEvent | RunStartEvent | RunEndEvent;

/** Something that receives events. */
export type EventSink = (event: VoxelwiseEvent) => void;

/** A fan-out of events to any number of sinks. */
export interface EventBus {
  emit: EventSink;
  subscribe(sink: EventSink): () => void;
}

/** Creates an {@link EventBus}; a sink that throws never breaks the emitter. */
export function createEventBus(): EventBus {
  const sinks = new Set<EventSink>();
  return {
    emit(event) {
      for (const sink of sinks) {
        try {
          sink(event);
        } catch {
          // A broken logger must never break a run.
        }
      }
    },
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
  };
}

/**
 * Wraps an async function in `stage:start`/`stage:end` events.
 *
 * @example
 * const m = await timed(ctx.emit, 'model/ridge-cv', () => model.fit(data, ctx));
 */
export async function timed<T>(
  emit: EventSink,
  stage: string,
  fn: () => Promise<T> | T,
  meta: { kind?: StageKind; name?: string } = {},
): Promise<T> {
  const t0 = Date.now();
  emit({ type: 'stage:start', stage, time: t0, ...meta });
  const result = await fn();
  emit({ type: 'stage:end', stage, durationMs: Date.now() - t0 });
  return result;
}
