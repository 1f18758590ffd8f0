import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { canonicalJson, voxelwiseError } from '@voxelwise/core';
import type { EventSink } from '@voxelwise/core';
import { sha256Bytes, writeDirAtomic } from '@voxelwise/io';
import { readJsonFile } from './read-json.js';
import { readRunJson } from './run-json.js';
import { cleanRuns, runLockContent } from './clean-runs.js';
import type { CleanRunsResult } from './clean-runs.js';

/** sha256 (hex) of the config's canonical JSON (sorted keys, no whitespace). */
export function configHash(config: unknown): string {
  return sha256Bytes(canonicalJson(config));
}

/** `<name>-<YYYYMMDD-HHMMSS>-<hash8>` */
export function makeRunId(name: string, hash: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${name}-${stamp}-${hash.slice(0, 8)}`;
}

/**
 * A run directory built in a hidden temp folder and renamed into place on commit, so a
 * crashed run never leaves a half-written directory under its final name. The folder is one
 * `writeDirAtomic` of `@voxelwise/io` held open between {@link RunDirectory.create} and
 * {@link RunDirectory.commit} (or {@link RunDirectory.discard}), so the run's many steps can write
 * into it without living inside one callback.
 */
export class RunDirectory {
  readonly finalDir: string;
  private temp = '';
  private readonly fds: number[] = [];
  private finish: () => void = () => undefined;
  private abandon: (reason: Error) => void = () => undefined;
  private done: Promise<void> = Promise.resolve();
  /** What killed runs had left in the output folder when this run started (stale ones removed). */
  leftovers: CleanRunsResult = { removed: [], kept: [] };

  private constructor(
    outDir: string,
    readonly runId: string,
    private readonly lockFile: string,
  ) {
    this.finalDir = join(outDir, runId);
  }

  /** The hidden folder being filled; it becomes {@link RunDirectory.finalDir} on commit. */
  get tempDir(): string {
    return this.temp;
  }

  /** Starts the atomic directory write; resolves once its temporary folder exists. */
  private open(): Promise<void> {
    return new Promise<void>((ready, fail) => {
      this.done = writeDirAtomic(
        this.finalDir,
        (tmp) => {
          this.temp = tmp;
          ready();
          return new Promise<void>((resolve, reject) => {
            this.finish = resolve;
            this.abandon = reject;
          });
        },
        { where: 'trainer:run-dir' },
      );
      // Before the folder exists this fails create(); afterwards commit() or discard() awaits it.
      this.done.catch(fail);
    });
  }

  /**
   * Starts a run directory. The id is reserved with an exclusive lock file, so two runs started
   * in the same second never share it: when `<outDir>/<runId>` exists or is being written, the id
   * gets a `-2`, `-3`, … suffix. The lock records the owner pid and host; leftovers of killed
   * runs on this host (their temp folder and lock) are removed first (see {@link cleanRuns}).
   */
  static async create(outDir: string, runId: string): Promise<RunDirectory> {
    try {
      await mkdir(outDir, { recursive: true });
    } catch (error) {
      throw voxelwiseError({
        code: 'E_IO',
        where: 'trainer:run-dir',
        message: `cannot create the output folder ${outDir}: ${(error as Error).message}`,
        cause: error,
        hint: 'Check that outDir (or --out) is writable.',
      });
    }
    const leftovers = await cleanRuns(outDir);
    for (let n = 1; ; n++) {
      const id = n === 1 ? runId : `${runId}-${n}`;
      const lockFile = join(outDir, `.${id}.lock`);
      try {
        await writeFile(lockFile, runLockContent(id), { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw voxelwiseError({
          code: 'E_IO',
          where: 'trainer:run-dir',
          message: `cannot create a run directory under ${outDir}: ${(error as Error).message}`,
          cause: error,
          hint: 'Check that outDir (or --out) is writable.',
        });
      }
      if (await exists(join(outDir, id))) {
        await rm(lockFile, { force: true });
        continue;
      }
      const dir = new RunDirectory(outDir, id, lockFile);
      dir.leftovers = leftovers;
      try {
        await dir.open();
      } catch (error) {
        await rm(lockFile, { force: true });
        throw voxelwiseError({
          code: 'E_IO',
          where: 'trainer:run-dir',
          message: `cannot create a run directory under ${outDir}: ${(error as Error).message}`,
          cause: error,
          hint: 'Check that outDir (or --out) is writable.',
        });
      }
      return dir;
    }
  }

  path(file: string): string {
    return join(this.tempDir, file);
  }

  async writeJson(file: string, value: unknown): Promise<void> {
    await this.writeBytes(file, `${JSON.stringify(value, jsonSafe, 2)}\n`);
  }

  async writeBytes(file: string, bytes: Uint8Array | string): Promise<void> {
    const path = this.path(file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }

  /** An event sink appending one JSON line per event to `file`, synchronously (nothing is lost on a crash). */
  eventSink(file: string): EventSink {
    const fd = openSync(this.path(file), 'a');
    this.fds.push(fd);
    let open = true;
    return (e) => {
      if (!open) return;
      try {
        writeSync(fd, `${JSON.stringify(e, jsonSafe)}\n`);
      } catch {
        open = false;
      }
    };
  }

  /** Closes the files of {@link RunDirectory.eventSink}. */
  async closeSinks(): Promise<void> {
    for (const fd of this.fds.splice(0)) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  }

  /** Moves the finished directory to its final name (reserved by {@link RunDirectory.create}). */
  async commit(): Promise<string> {
    await this.closeSinks();
    this.finish();
    try {
      await this.done;
    } finally {
      await rm(this.lockFile, { force: true });
    }
    return this.finalDir;
  }

  /** Removes the unfinished directory and releases the id. */
  async discard(): Promise<void> {
    await this.closeSinks();
    this.abandon(new Error('run directory discarded'));
    await this.done.catch(() => undefined);
    await rm(this.lockFile, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** JSON.stringify replacer: typed arrays become arrays (long ones a summary), non-finite numbers null. */
export function jsonSafe(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number>;
    if (arr.length > 100_000) return { type: value.constructor.name, length: arr.length };
    return Array.from(arr, (x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x));
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** What `runs ls` shows of a run. */
export interface RunSummary {
  runId: string;
  dir: string;
  name: string;
  status: string;
  startedAt: string;
  durationMs: number;
  subject?: string;
  configHash: string;
  metrics: Record<string, unknown>;
}

/** Reads a run directory's `run.json` and `metrics.json`. */
export async function readRunSummary(dir: string): Promise<RunSummary> {
  const run = await readRunJson(dir);
  const metrics = await readJsonFile(join(dir, 'metrics.json'), 'trainer:runs');
  return {
    runId: run.runId,
    dir,
    name: run.name,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    ...(run.assembly.subject === undefined ? {} : { subject: run.assembly.subject }),
    configHash: run.configHash,
    metrics: metrics && typeof metrics === 'object' && !Array.isArray(metrics) ? (metrics as Record<string, unknown>) : {},
  };
}

/**
 * The runs under `outDir`, newest first. Hidden folders (runs being written) and folders without
 * a `run.json` are skipped.
 */
export async function listRuns(outDir: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw voxelwiseError({ code: 'E_IO', where: 'trainer:runs', message: `cannot list ${outDir}`, cause: error });
  }
  const out: RunSummary[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = join(outDir, name);
    try {
      if (!(await stat(join(dir, 'run.json'))).isFile()) continue;
    } catch {
      continue;
    }
    try {
      out.push(await readRunSummary(dir));
    } catch {
      // A damaged run directory is listed by name only.
      out.push({ runId: name, dir, name: '', status: 'unreadable', startedAt: '', durationMs: Number.NaN, configHash: '', metrics: {} });
    }
  }
  return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId.localeCompare(b.runId)));
}
