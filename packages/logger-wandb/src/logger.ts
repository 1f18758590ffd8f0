import type { EventSink, Logger, VoxelwiseEvent } from '@voxelwise/core';
import { findApiKey } from './auth.js';
import type { ClientOptions } from './client.js';
import type { ResolvedWandbOptions } from './options.js';
import { writeQueue, uploadRun, QUEUE_DIR, SYNCED_FILE } from './queue.js';
import { RunRecorder, wandbRunId } from './record.js';
import type { QueuedRun } from './record.js';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Settings after options and environment variables are combined. */
export interface WandbSettings {
  project: string;
  entity?: string;
  mode: 'online' | 'offline' | 'disabled';
  baseUrl: string;
}

/** Options win over `WANDB_PROJECT`, `WANDB_ENTITY`, `WANDB_MODE` and `WANDB_BASE_URL`. */
export function resolveSettings(
  o: Pick<ResolvedWandbOptions, 'project' | 'entity' | 'mode' | 'baseUrl'>,
  env: NodeJS.ProcessEnv = process.env,
): WandbSettings {
  const envMode = env['WANDB_MODE'];
  const mode =
    o.mode ??
    (envMode === 'offline' || envMode === 'disabled' || envMode === 'online' ? envMode : envMode === 'dryrun' ? 'offline' : 'online');
  const entity = o.entity ?? env['WANDB_ENTITY'];
  return {
    project: o.project ?? env['WANDB_PROJECT'] ?? 'voxelwise',
    ...(entity ? { entity } : {}),
    mode,
    baseUrl: o.baseUrl ?? env['WANDB_BASE_URL'] ?? 'https://api.wandb.ai',
  };
}

/** The client options for a settings/options pair, or undefined when no API key is found. */
export function clientOptions(
  settings: WandbSettings,
  o: Pick<ResolvedWandbOptions, 'timeoutMs' | 'retries'>,
  env: NodeJS.ProcessEnv = process.env,
): ClientOptions | undefined {
  const key = findApiKey(settings.baseUrl, env);
  if (!key) return undefined;
  return { baseUrl: settings.baseUrl, apiKey: key.key, timeoutMs: o.timeoutMs, retries: o.retries };
}

/** Where a queued run goes: its server, and the client options when a key for that server is found. */
export interface QueuedRunTarget {
  baseUrl: string;
  client?: ClientOptions;
}

/**
 * The server and client options for uploading a queued run: `o.baseUrl` when given explicitly,
 * else the `baseUrl` recorded with the queue (the server the logger was configured for), else
 * `$WANDB_BASE_URL` or the public server. The API key is looked up for that server's host, so a
 * run queued for a self-hosted W&B is never sent (nor its key looked up) for the public one.
 */
export function queuedRunClient(
  run: Pick<QueuedRun, 'baseUrl'>,
  o: { baseUrl?: string | undefined; timeoutMs: number; retries: number },
  env: NodeJS.ProcessEnv = process.env,
): QueuedRunTarget {
  const baseUrl = o.baseUrl ?? run.baseUrl;
  const settings = resolveSettings(baseUrl ? { baseUrl } : {}, env);
  const client = clientOptions(settings, o, env);
  return { baseUrl: settings.baseUrl, ...(client ? { client } : {}) };
}

/** Files of a run directory the logger uploads. */
const RUN_FILES = ['report.html', 'metrics.json', 'config.json', 'run.json'];

/**
 * Logs a run to Weights & Biases: config, per-step metrics (e.g. per layer of a sweep), the
 * summary with r histograms, and the report. Network work happens when the run ends; if W&B
 * cannot be reached (or `mode` is `offline`, or no API key is found) the run is queued in
 * `<run-dir>/wandb/pending.json` for `voxelwise wandb sync`, with a warning event. It never throws
 * and never touches the run's own results.
 *
 * @example
 * const logger = wandbLogger({ project: 'lebel', tags: ['gpt2'] });
 */
export function wandbLogger(
  options: ResolvedWandbOptions,
  emit: EventSink = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const settings = resolveSettings(options, env);
  const recorder = new RunRecorder();
  const say = (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) =>
    emit({ type: 'log', level, stage: 'logger/wandb', message, ...(details ? { details } : {}) });
  return {
    id: 'wandb',
    handle(e: VoxelwiseEvent) {
      if (settings.mode !== 'disabled') recorder.handle(e);
    },
    async close() {
      if (settings.mode === 'disabled' || !recorder.runId) return;
      const run: QueuedRun = {
        version: 1,
        runId: recorder.runId,
        wandbId: wandbRunId(recorder.runId),
        project: settings.project,
        ...(settings.entity ? { entity: settings.entity } : {}),
        baseUrl: settings.baseUrl,
        displayName: options.name ?? recorder.runId,
        tags: options.tags,
        ...(options.group ? { group: options.group } : {}),
        ...(options.notes ? { notes: options.notes } : {}),
        config: recorder.wandbConfig(),
        history: recorder.history(),
        summary: recorder.finalSummary(),
        files: options.uploadFiles ? RUN_FILES : [],
        exitcode: recorder.exitcode,
      };
      // A failed run has no run directory to queue into; only an online upload can record it.
      const runDir = recorder.exitcode === 0 ? recorder.runDir : undefined;
      const queue = async (reason: string) => {
        if (!runDir) {
          say('warn', `W&B: ${reason}; the failed run was not logged`);
          return;
        }
        try {
          const path = await writeQueue(runDir, { ...run, reason });
          say('warn', `W&B: ${reason}; queued in ${path}. Upload it with "voxelwise wandb sync ${runDir}".`, { queue: path });
        } catch (error) {
          say('warn', `W&B: ${reason}, and the queue could not be written (${(error as Error).message})`);
        }
      };
      try {
        if (settings.mode === 'offline') {
          if (runDir) {
            const path = await writeQueue(runDir, { ...run, reason: 'offline mode' });
            say('info', `W&B offline: run queued in ${path}; upload it with "voxelwise wandb sync ${runDir}"`, { queue: path });
          }
          return;
        }
        const client = clientOptions(settings, options, env);
        if (!client) {
          await queue(`no API key (set WANDB_API_KEY or add ${new URL(settings.baseUrl).host} to ~/.netrc)`);
          return;
        }
        const url = await uploadRun(run, runDir, client);
        if (runDir) {
          const dir = join(runDir, QUEUE_DIR);
          await mkdir(dir, { recursive: true });
          const tmp = join(dir, `${SYNCED_FILE}.${process.pid}.tmp`);
          await writeFile(
            tmp,
            `${JSON.stringify({ url, wandbId: run.wandbId, project: run.project, syncedAt: new Date().toISOString() }, null, 2)}\n`,
          );
          await rename(tmp, join(dir, SYNCED_FILE));
        }
        say('info', `W&B: logged ${url}`, { url });
      } catch (error) {
        await queue(`upload failed (${(error as Error).message})`);
      }
    },
  };
}
