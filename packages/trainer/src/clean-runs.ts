import { hostname } from 'node:os';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findStaleTempDirs, ownerState } from '@voxelwise/io';
import type { StaleTempDir } from '@voxelwise/io';

/** Who holds a run id: written into `<outDir>/.<runId>.lock` by `RunDirectory.create`. */
export interface RunLockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  created: string;
  runId: string;
}

/** Something a killed run left in its output folder. */
export interface RunLeftover {
  /** Full path. */
  path: string;
  /** `temp`: a run directory being written (`.tmp-<runId>-…`); `lock`: a run id reservation (`.<runId>.lock`). */
  kind: 'temp' | 'lock';
  /**
   * `stale`: its owner ran on this host and is gone (removed, or to be removed); `active`: its
   * owner still runs; `foreign`: written on another host (a shared file system), which cannot be
   * checked from here; `unknown`: no owner recorded (written by an older version).
   */
  state: 'stale' | 'active' | 'foreign' | 'unknown';
  /** The recorded owner, when there is one. */
  owner?: { pid: number; host: string; created?: string };
}

/** What {@link cleanRuns} removed (or, with `dryRun`, would remove) and what it kept. */
export interface CleanRunsResult {
  removed: RunLeftover[];
  kept: RunLeftover[];
}

/** The content of a lock file for this process. */
export function runLockContent(runId: string): string {
  const owner: RunLockOwner = { pid: process.pid, host: hostname(), created: new Date().toISOString(), runId };
  return `${JSON.stringify(owner)}\n`;
}

async function readLock(path: string): Promise<RunLockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<RunLockOwner>;
    if (typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 && typeof o.host === 'string')
      return { pid: o.pid, host: o.host, created: String(o.created ?? ''), runId: String(o.runId ?? '') };
  } catch {
    // Older locks hold only a pid, without a host: reported as `unknown`, never removed.
  }
  return undefined;
}

function fromTemp(d: StaleTempDir): RunLeftover {
  return {
    path: d.path,
    kind: 'temp',
    state: d.state,
    ...(d.owner ? { owner: { pid: d.owner.pid, host: d.owner.host, created: d.owner.created } } : {}),
  };
}

/**
 * Finds what killed runs left in `outDir` (a second Ctrl-C, SIGKILL, a power loss): temporary
 * run directories (`.tmp-<runId>-<pid>-<random>`, owner marker of `@voxelwise/io`'s
 * `writeDirAtomic`) and run-id locks (`.<runId>.lock`, owner pid and host). Those whose owner ran
 * on this host and is gone are removed (with `dryRun`, listed as `removed` but left in place);
 * live ones, another host's and those without an owner are kept and listed, for the caller to
 * report. Every new run calls it on its output folder; `voxelwise runs clean` calls it too.
 *
 * @example
 * const { removed, kept } = await cleanRuns('results', { dryRun: true });
 */
export async function cleanRuns(outDir: string, options: { dryRun?: boolean } = {}): Promise<CleanRunsResult> {
  const found: RunLeftover[] = (await findStaleTempDirs(outDir)).map(fromTemp);
  let names: string[] = [];
  try {
    names = await readdir(outDir);
  } catch {
    // No folder: nothing to clean.
  }
  for (const name of names.sort()) {
    if (!name.startsWith('.') || !name.endsWith('.lock')) continue;
    const path = join(outDir, name);
    const owner = await readLock(path);
    found.push({
      path,
      kind: 'lock',
      state: ownerState(owner),
      ...(owner ? { owner: { pid: owner.pid, host: owner.host, created: owner.created } } : {}),
    });
  }
  const removed: RunLeftover[] = [];
  const kept: RunLeftover[] = [];
  for (const f of found) {
    if (f.state !== 'stale') {
      kept.push(f);
      continue;
    }
    if (!options.dryRun) {
      try {
        await rm(f.path, { recursive: true, force: true });
      } catch {
        kept.push(f);
        continue;
      }
    }
    removed.push(f);
  }
  return { removed, kept };
}
