import type { VoxelwiseEvent } from '@voxelwise/core';

/** A histogram as W&B stores it in summaries (`wandb.Histogram`: bin edges and counts). */
export interface WandbHistogram {
  _type: 'histogram';
  bins: number[];
  values: number[];
}

/** Everything the logger sends for one run; also the on-disk queue format. */
export interface QueuedRun {
  version: 1;
  /** The voxelwise run id. */
  runId: string;
  /** The W&B run id (letters, digits, `-`, `_`; at most 64 characters). */
  wandbId: string;
  project: string;
  entity?: string;
  /**
   * The W&B API server this run belongs to (the logger's resolved `baseUrl`), so that
   * `voxelwise wandb sync` sends it there and looks up the key for that host. Queues written
   * before this field existed have none and go to the server the sync resolves.
   */
  baseUrl?: string;
  displayName: string;
  tags: string[];
  group?: string;
  notes?: string;
  /** Config in W&B's format: `{ key: { value, desc } }`. */
  config: Record<string, { value: unknown; desc: null }>;
  /** History rows (`wandb-history.jsonl`), each with `_step`, `_runtime`, `_timestamp`. */
  history: Array<Record<string, unknown>>;
  /** Final summary (`wandb-summary.json`), histograms included. */
  summary: Record<string, unknown>;
  /** Files of the run directory to upload, relative to it. */
  files: string[];
  /** 0 when the run succeeded. */
  exitcode: number;
  /** Why this run sits in the queue (offline mode, or the upload error). */
  reason?: string;
  queuedAt?: string;
}

/** A W&B run id from a voxelwise run id. */
export function wandbRunId(runId: string): string {
  const id = runId.replace(/[^A-Za-z0-9_-]/g, '-').slice(-64);
  return id.length > 0 ? id : 'voxelwise-run';
}

function isHistogram(x: unknown): x is { edges: number[]; counts: number[] } {
  const h = x as { edges?: unknown; counts?: unknown };
  return typeof x === 'object' && x !== null && Array.isArray(h.edges) && Array.isArray(h.counts) && h.edges.length === h.counts.length + 1;
}

/** Collects a run's events into what W&B receives. */
export class RunRecorder {
  runId = '';
  runDir: string | undefined;
  config: Record<string, unknown> = {};
  private t0 = Date.now();
  private readonly stepped = new Map<number, Record<string, unknown>>();
  private readonly unstepped: Record<string, number> = {};
  private readonly summary: Record<string, unknown> = {};
  exitcode = 0;
  ended = false;

  handle(e: VoxelwiseEvent): void {
    switch (e.type) {
      case 'run:start':
        this.runId = e.runId;
        this.runDir = e.runDir;
        this.t0 = e.time;
        this.config = typeof e.config === 'object' && e.config !== null ? (e.config as Record<string, unknown>) : { config: e.config };
        break;
      case 'metric': {
        if (e.step === undefined) {
          this.unstepped[e.name] = e.value;
        } else {
          const row = this.stepped.get(e.step) ?? {};
          row[e.name] = e.value;
          this.stepped.set(e.step, row);
        }
        break;
      }
      case 'stage:end':
        this.summary[`time/${e.stage}`] = ((this.summary[`time/${e.stage}`] as number | undefined) ?? 0) + e.durationMs / 1000;
        break;
      case 'run:end': {
        this.ended = true;
        if (e.runDir) this.runDir = e.runDir;
        this.exitcode = e.status === 'ok' ? 0 : e.status === 'aborted' ? 130 : 1;
        this.summary['runtime_s'] = e.durationMs / 1000;
        for (const [k, v] of Object.entries(e.summary)) {
          if (k === 'histograms' && typeof v === 'object' && v !== null) {
            for (const [name, h] of Object.entries(v as Record<string, unknown>)) {
              if (isHistogram(h)) this.summary[name] = { _type: 'histogram', bins: h.edges, values: h.counts } satisfies WandbHistogram;
            }
          } else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') {
            this.summary[k] = v;
          }
        }
        break;
      }
      default:
        break;
    }
  }

  /** History rows: stepped metrics by step, then one row of the step-less metrics. */
  history(now = Date.now()): Array<Record<string, unknown>> {
    const steps = [...this.stepped.keys()].sort((a, b) => a - b);
    const runtime = (now - this.t0) / 1000;
    const rows = steps.map((s) => ({ ...this.stepped.get(s), _step: s, _runtime: runtime, _timestamp: now / 1000 }));
    if (Object.keys(this.unstepped).length > 0)
      rows.push({
        ...this.unstepped,
        _step: steps.length > 0 ? steps[steps.length - 1]! + 1 : 0,
        _runtime: runtime,
        _timestamp: now / 1000,
      });
    return rows;
  }

  /** The final summary: step-less metrics, timings and the run:end summary. */
  finalSummary(): Record<string, unknown> {
    return { ...this.unstepped, ...this.summary };
  }

  /** The config in W&B's `{ key: { value, desc } }` format. */
  wandbConfig(): Record<string, { value: unknown; desc: null }> {
    return Object.fromEntries(Object.entries(this.config).map(([k, v]) => [k, { value: v, desc: null }]));
  }
}
