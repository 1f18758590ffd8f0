import { hostname } from 'node:os';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Name of the owner marker {@link writeDirAtomic} writes inside each temporary directory. */
export const OWNER_FILE = '.voxelwise-owner.json';

/** Who created a temporary directory. */
export interface TempOwner {
  pid: number;
  host: string;
  /** ISO time the directory was created. */
  created: string;
  /** The directory it was to become. */
  target: string;
}

/** A temporary directory left next to a target, and what became of it. */
export interface StaleTempDir {
  /** Full path of the temporary directory. */
  path: string;
  /** The recorded owner; absent when the directory has no readable marker (written by an older version). */
  owner?: TempOwner;
  /**
   * `stale`: its owner ran on this host and is gone, safe to remove; `active`: its owner is still
   * running; `foreign`: written on another host (a shared file system), its owner cannot be
   * checked from here; `unknown`: no owner marker.
   */
  state: 'stale' | 'active' | 'foreign' | 'unknown';
  /** True when {@link removeStaleTempDirs} removed it. */
  removed?: boolean;
}

/** Writes the owner marker into a fresh temporary directory. */
export async function writeOwnerMarker(dir: string, target: string): Promise<void> {
  const owner: TempOwner = { pid: process.pid, host: hostname(), created: new Date().toISOString(), target };
  await writeFile(join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
}

/** True when a process with this pid exists on this host (`kill(pid, 0)`: EPERM means it exists under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Whether a leftover's recorded owner can be cleaned up from here (see {@link StaleTempDir.state}). */
export type OwnerState = StaleTempDir['state'];

/**
 * The state of something a process left behind, from its recorded owner: `unknown` without one,
 * `foreign` when written on another host, `stale` when its process (not this one) is gone,
 * `active` otherwise. One rule for temporary directories and the trainer's run-id locks.
 */
export function ownerState(owner: { pid: number; host: string } | undefined): OwnerState {
  if (!owner) return 'unknown';
  if (owner.host !== hostname()) return 'foreign';
  return owner.pid !== process.pid && !alive(owner.pid) ? 'stale' : 'active';
}

async function readOwner(dir: string): Promise<TempOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as Partial<TempOwner>;
    if (typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 && typeof o.host === 'string')
      return { pid: o.pid, host: o.host, created: String(o.created ?? ''), target: String(o.target ?? '') };
  } catch {
    // Missing or unreadable marker: reported as `unknown`.
  }
  return undefined;
}

/**
 * Lists the temporary directories that {@link writeDirAtomic} leaves in `parent` when its process
 * is killed (SIGKILL, a power loss): `.tmp-<target>-<pid>-<random>`, each with an owner marker
 * (pid and host). With `target`, only those of that target's base name. Nothing is removed.
 *
 * @example
 * for (const d of await findStaleTempDirs('/data')) console.log(d.path, d.state);
 */
export async function findStaleTempDirs(parent: string, target?: string): Promise<StaleTempDir[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const prefix = target === undefined ? '.tmp-' : `.tmp-${target}-`;
  // The tail is exactly `<pid>-<8 hex>`, so target "run" does not claim "run-2"'s leftovers.
  const tail = target === undefined ? /^.+-\d+-[0-9a-f]{8}$/ : /^\d+-[0-9a-f]{8}$/;
  const out: StaleTempDir[] = [];
  for (const name of names.sort()) {
    if (!name.startsWith(prefix) || !tail.test(name.slice(prefix.length))) continue;
    const path = join(parent, name);
    const owner = await readOwner(path);
    out.push({ path, ...(owner ? { owner } : {}), state: ownerState(owner) });
  }
  return out;
}

/**
 * Removes the temporary directories of {@link findStaleTempDirs} whose owner ran on this host
 * and no longer runs; returns every one found (`removed: true` on those removed), so the caller can
 * report the others (another host's, or without an owner marker). A directory that cannot be
 * removed is reported, not thrown.
 *
 * @example
 * const found = await removeStaleTempDirs(dirname(out), basename(out));
 */
export async function removeStaleTempDirs(parent: string, target?: string): Promise<StaleTempDir[]> {
  const found = await findStaleTempDirs(parent, target);
  for (const d of found) {
    if (d.state !== 'stale') continue;
    try {
      await rm(d.path, { recursive: true, force: true });
      d.removed = true;
    } catch {
      d.removed = false;
    }
  }
  return found;
}
