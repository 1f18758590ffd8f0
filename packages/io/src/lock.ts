import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { link, readFile, stat, unlink } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { ownerState } from './stale-temp.js';

/** Who holds a lock: written once, before the lock file appears, and never rewritten. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Random; tells this holder from a later one of the same pid and host. */
  token: string;
  /** ISO time the lock was taken. */
  acquired: string;
  /** What the lock guards, for messages (e.g. the cache entry). */
  label: string;
}

/** Options of {@link acquireLock} and {@link withLock}. */
export interface LockOptions {
  /**
   * A lock whose heartbeat (the lock file's mtime) has not moved for this long, as seen by the
   * waiting process's own clock, belongs to a dead holder and is taken over. @default 60000
   */
  staleMs?: number;
  /** How often the holder touches the lock file. @default staleMs / 4 */
  heartbeatMs?: number;
  /** How often a waiter looks again. @default 250 */
  pollMs?: number;
  /** Give up waiting after this long with `E_IO`. @default Infinity */
  timeoutMs?: number;
  /** Stops waiting with `E_ABORTED`. */
  signal?: AbortSignal;
  /** What the lock guards, for messages and the owner record. @default the lock file's name */
  label?: string;
  /** `package:stage` named in errors. @default 'io:lock' */
  where?: string;
  /** Called once when the lock is found held by someone else, and on each takeover of a stale one. */
  onWait?: (event: { owner: LockOwner | undefined; takeover: boolean }) => void;
}

/** A held lock. */
export interface FileLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** True once another process took the lock over (this holder's heartbeat stopped long enough). */
  readonly lost: boolean;
  /** Stops the heartbeat and removes the lock file if it is still this holder's; calling it twice is harmless. */
  release(): Promise<void>;
}

const BREAK_SUFFIX = '.break';

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string')
      return { pid: o.pid, host: o.host, token: o.token, acquired: String(o.acquired ?? ''), label: String(o.label ?? '') };
  } catch {
    // Not ours, or damaged by hand: treated as an owner we cannot check.
  }
  return undefined;
}

/** The lock file's owner and heartbeat, or undefined when there is no lock file. */
async function inspect(path: string): Promise<{ owner: LockOwner | undefined; mtimeMs: number; ino: number } | undefined> {
  try {
    const st = await stat(path);
    const text = await readFile(path, 'utf8');
    return { owner: parseOwner(text), mtimeMs: st.mtimeMs, ino: st.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates `path` holding `content`, or fails with EEXIST when it exists. The content goes to a
 * private file first and is linked into place: link(2) is atomic on local and NFS file systems
 * alike (O_EXCL is not on old NFS clients), so a reader never sees a half-written lock file.
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const tmp = join(dirname(path), `.${basename(path)}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // NFS may report a failed link whose retransmission in fact succeeded: the lock is ours
    // when the private file now has two names.
    const st = await stat(tmp).catch(() => undefined);
    if (st && st.nlink === 2) return true;
    throw error;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Removes the lock at `path` if it is still the one seen (same token and inode), under a
 * short-lived `.break` lock so that two waiters never both break it and one of them then
 * removes the other's fresh lock. A `.break` lock older than `staleMs` is itself removed.
 */
async function breakStale(path: string, seen: { owner: LockOwner | undefined; ino: number }, staleMs: number): Promise<void> {
  const breaker = `${path}${BREAK_SUFFIX}`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') });
  if (!(await createExclusive(breaker, mine))) {
    const st = await stat(breaker).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > staleMs) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    const now = await inspect(path);
    if (now && now.ino === seen.ino && now.owner?.token === seen.owner?.token) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/**
 * Takes the lock file `path`, waiting while another process (on this or another node of a
 * shared file system) holds it. The file is created atomically (see `createExclusive`) and
 * holds its {@link LockOwner} (pid, host, token); the holder touches it every `heartbeatMs`.
 * A held lock is taken over when its holder is gone: at once when it ran on this host and its
 * pid no longer exists, otherwise once its heartbeat has not moved for `staleMs` of the
 * waiter's own clock (so clock skew between nodes does not matter). Losing a lock this way
 * (a holder stalled past `staleMs`) is reported by {@link FileLock.lost}; what a lock guards
 * must therefore still be written atomically (temp + rename), so that a duplicate computation
 * is the worst case, never a half-written entry.
 *
 * @throws VoxelwiseError `E_IO` after `timeoutMs`, or when the folder is not writable; `E_ABORTED` on `signal`.
 * @example
 * const lock = await acquireLock(`${entry}.lock`, { label: 'story "wheretheressmoke"' });
 * try { await compute(); } finally { await lock.release(); }
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<FileLock> {
  const staleMs = options.staleMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(10, staleMs / 4);
  const pollMs = options.pollMs ?? 250;
  const where = options.where ?? 'io:lock';
  const label = options.label ?? basename(path);
  const started = Date.now();
  let observed: { token: string | undefined; ino: number; mtimeMs: number; since: number } | undefined;
  let announced = false;
  for (;;) {
    if (options.signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where, message: `stopped waiting for the lock ${path}` });
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      token: randomBytes(8).toString('hex'),
      acquired: new Date().toISOString(),
      label,
    };
    let created: boolean;
    try {
      created = await createExclusive(path, `${JSON.stringify(owner)}\n`);
    } catch (cause) {
      throw voxelwiseError({
        code: 'E_IO',
        where,
        message: `cannot create the lock file ${path} for ${label}`,
        cause,
        hint: 'Check that the folder exists and is writable by this user.',
        details: { file: path },
      });
    }
    if (created) return holdLock(path, owner, heartbeatMs);
    const seen = await inspect(path).catch(() => undefined);
    if (!seen) continue;
    if (!announced) {
      announced = true;
      options.onWait?.({ owner: seen.owner, takeover: false });
    }
    const token = seen.owner?.token;
    if (!observed || observed.token !== token || observed.ino !== seen.ino || observed.mtimeMs !== seen.mtimeMs)
      observed = { token, ino: seen.ino, mtimeMs: seen.mtimeMs, since: Date.now() };
    const deadHere = seen.owner !== undefined && ownerState(seen.owner) === 'stale';
    if (deadHere || Date.now() - observed.since > staleMs) {
      options.onWait?.({ owner: seen.owner, takeover: true });
      await breakStale(path, seen, staleMs);
      observed = undefined;
      continue;
    }
    if (Date.now() - started > (options.timeoutMs ?? Infinity)) {
      throw voxelwiseError({
        code: 'E_IO',
        where,
        message: `timed out after ${Date.now() - started} ms waiting for the lock ${path} on ${label}${seen.owner ? ` (held by pid ${seen.owner.pid} on ${seen.owner.host} since ${seen.owner.acquired})` : ''}`,
        hint: `If that process is gone, the lock is taken over once its heartbeat is ${staleMs} ms old; or remove ${path} by hand.`,
        details: { file: path, ...(seen.owner ? { owner: seen.owner } : {}) },
      });
    }
    await sleep(pollMs, options.signal);
  }
}

/**
 * The heartbeat thread: touches the lock file every `ms` while it still holds this holder's
 * token; posts a message and stops once it does not (the lock was taken over or removed).
 */
const HEARTBEAT = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { path, token, ms } = workerData;
const timer = setInterval(() => {
  let mine = false;
  try {
    mine = JSON.parse(fs.readFileSync(path, 'utf8')).token === token;
  } catch {}
  if (!mine) {
    clearInterval(timer);
    parentPort.postMessage('lost');
    return;
  }
  const t = new Date();
  try {
    fs.utimesSync(path, t, t);
  } catch {}
}, ms);
`;

/** Starts the heartbeat of a freshly created lock and returns its handle. */
function holdLock(path: string, owner: LockOwner, heartbeatMs: number): FileLock {
  let lost = false;
  let released = false;
  const mineSync = (): boolean => {
    try {
      return parseOwner(readFileSync(path, 'utf8'))?.token === owner.token;
    } catch {
      return false;
    }
  };
  // A process that exits without releasing (an uncaught error, process.exit) still removes its lock.
  const onExit = (): void => {
    if (!released && mineSync()) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);
  // The heartbeat runs on its own thread, so a holder whose main thread is busy for minutes (a
  // long synchronous computation) still shows it is alive; it stops only when the process does.
  // No inherited execArgv: the parent's loaders (--import tsx, --input-type=module) would turn this script into ESM.
  const beat = new Worker(HEARTBEAT, { eval: true, execArgv: [], workerData: { path, token: owner.token, ms: heartbeatMs } });
  beat.on('message', () => {
    lost = true;
  });
  // Should the thread fail (it should not), beat on the main thread instead.
  let fallback: NodeJS.Timeout | undefined;
  beat.on('error', () => {
    if (released || fallback) return;
    fallback = setInterval(() => {
      if (!mineSync()) {
        lost = true;
        clearInterval(fallback);
        return;
      }
      const t = new Date();
      try {
        utimesSync(path, t, t);
      } catch {
        // the next beat tries again
      }
    }, heartbeatMs);
    fallback.unref();
  });
  beat.unref();
  return {
    path,
    owner,
    get lost() {
      return lost;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(fallback);
      await beat.terminate();
      process.removeListener('exit', onExit);
      const now = await inspect(path).catch(() => undefined);
      if (now?.owner?.token === owner.token) await unlink(path).catch(() => undefined);
      else lost = true;
    },
  };
}

/**
 * Runs `fn` while holding the lock file `path` ({@link acquireLock}), and releases it however
 * `fn` ends.
 *
 * @example
 * const layers = await withLock(`${file}.lock`, async () => (await readCache()) ?? computeAndWrite(), { label: file });
 */
export async function withLock<T>(path: string, fn: (lock: FileLock) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
