import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { WandbClient } from './client.js';
import type { ClientOptions } from './client.js';
import type { QueuedRun } from './record.js';

/** The queue folder inside a run directory. */
export const QUEUE_DIR = 'wandb';
/** A run waiting to be uploaded. */
export const PENDING_FILE = 'pending.json';
/** A run that was uploaded (with its URL). */
export const SYNCED_FILE = 'synced.json';

/** Writes `<runDir>/wandb/pending.json` atomically. */
export async function writeQueue(runDir: string, run: QueuedRun): Promise<string> {
  const dir = join(runDir, QUEUE_DIR);
  await mkdir(dir, { recursive: true });
  const path = join(dir, PENDING_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ ...run, queuedAt: run.queuedAt ?? new Date().toISOString() }, null, 2)}\n`);
  await rename(tmp, path);
  return path;
}

/** Reads a queued run, or undefined when the run directory has none. */
export async function readQueue(runDir: string): Promise<QueuedRun | undefined> {
  const path = join(runDir, QUEUE_DIR, PENDING_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const run = JSON.parse(text) as QueuedRun;
    if (run.version !== 1 || typeof run.wandbId !== 'string') throw new Error('unknown queue format');
    return run;
  } catch (error) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'logger-wandb',
      message: `${path} is not a voxelwise W&B queue file: ${(error as Error).message}`,
      cause: error,
    });
  }
}

/** The web page of a run: the app host for wandb.ai, the server itself otherwise. */
export function runUrl(baseUrl: string, entity: string, project: string, id: string): string {
  const app = baseUrl.replace(/\/+$/, '').replace('://api.wandb.ai', '://wandb.ai');
  return `${app}/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/runs/${encodeURIComponent(id)}`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Sends a run to W&B: creates it with its config, streams history and summary, uploads the run
 * directory's files, and marks it complete. Returns the run's URL. Throws `E_NETWORK` on failure.
 */
export async function uploadRun(run: QueuedRun, runDir: string | undefined, client: ClientOptions): Promise<string> {
  const api = new WandbClient(client);
  const entity = run.entity ?? (await api.defaultEntity());
  const remote = await api.upsertRun({
    id: run.wandbId,
    entity,
    project: run.project,
    displayName: run.displayName,
    config: run.config,
    tags: run.tags,
    ...(run.group ? { group: run.group } : {}),
    ...(run.notes ? { notes: run.notes } : {}),
  });
  await api.fileStream(remote, {
    files: {
      'wandb-history.jsonl': { offset: 0, content: run.history.map((r) => JSON.stringify(r)) },
      'wandb-summary.json': { offset: 0, content: [JSON.stringify(run.summary)] },
    },
  });
  if (runDir) {
    const files = new Map<string, Uint8Array>();
    for (const f of run.files) {
      const path = join(runDir, f);
      if (await isFile(path)) files.set(f, await readFile(path));
    }
    await api.uploadFiles(remote, files);
  }
  await api.fileStream(remote, { complete: true, exitcode: run.exitcode });
  return runUrl(client.baseUrl, remote.entity, remote.project, remote.id);
}

/**
 * Uploads the run queued in `<runDir>/wandb/pending.json` and, on success, replaces it by
 * `synced.json` holding the run's URL. Returns the URL, or undefined when nothing was queued.
 * `client` may be a function of the queued run, so that each run goes to the server recorded with
 * it (see `queuedRunClient`).
 */
export async function syncRun(runDir: string, client: ClientOptions | ((run: QueuedRun) => ClientOptions)): Promise<string | undefined> {
  const run = await readQueue(runDir);
  if (!run) return undefined;
  const url = await uploadRun(run, runDir, typeof client === 'function' ? client(run) : client);
  const dir = join(runDir, QUEUE_DIR);
  const tmp = join(dir, `${SYNCED_FILE}.${process.pid}.tmp`);
  await writeFile(
    tmp,
    `${JSON.stringify({ url, wandbId: run.wandbId, project: run.project, syncedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  await rename(tmp, join(dir, SYNCED_FILE));
  await rm(join(dir, PENDING_FILE), { force: true });
  return url;
}
