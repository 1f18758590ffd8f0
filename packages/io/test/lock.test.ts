import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { acquireLock, withLock } from '../src/index.js';
import type { LockOwner } from '../src/index.js';
import { expectCodeAsync } from './expect-code.js';

const temp = () => mkdtempSync(join(tmpdir(), 'vw-io-lock-'));
const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** A node process running `script` (ES module) against the workspace's sources, as the other io tests do. */
function node(script: string) {
  return spawn(process.execPath, ['--conditions=@voxelwise/source', '--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const exited = (child: ReturnType<typeof node>) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

function foreignOwner(token = 'feedface'): LockOwner {
  return { pid: 4242, host: `${hostname()}-elsewhere`, token, acquired: '2026-01-01T00:00:00Z', label: 'test' };
}

describe('lock files', () => {
  it('lets one of several racing processes in at a time, each once, also when they start by taking over a dead node’s lock', async () => {
    const dir = temp();
    const lock = join(dir, 'entry.lock');
    const log = join(dir, 'log.txt');
    // A lock left by a node that died: another host, so only its silent heartbeat tells.
    writeFileSync(lock, JSON.stringify(foreignOwner()));
    const worker = (id: number) => `
      import { appendFileSync } from 'node:fs';
      import { withLock } from ${JSON.stringify(src)};
      await withLock(${JSON.stringify(lock)}, async () => {
        appendFileSync(${JSON.stringify(log)}, 'start ${id}\\n');
        await new Promise((r) => setTimeout(r, 150));
        appendFileSync(${JSON.stringify(log)}, 'end ${id}\\n');
      }, { staleMs: 400, pollMs: 20 });`;
    const children = [0, 1, 2, 3].map((id) => node(worker(id)));
    expect(await Promise.all(children.map(exited))).toEqual([0, 0, 0, 0]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    const ids = new Set<string>();
    for (let i = 0; i < lines.length; i += 2) {
      const id = lines[i]!.replace('start ', '');
      expect(lines[i + 1]).toBe(`end ${id}`);
      ids.add(id);
    }
    expect([...ids].sort()).toEqual(['0', '1', '2', '3']);
    expect(existsSync(lock)).toBe(false);
  }, 60_000);

  it('takes over at once the lock of a killed process on this host, and records pid, host and token', async () => {
    const dir = temp();
    const lock = join(dir, 'entry.lock');
    const child = node(`
      import { acquireLock } from ${JSON.stringify(src)};
      await acquireLock(${JSON.stringify(lock)}, { label: 'story a' });
      console.log('held');
      setInterval(() => {}, 1000);`);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve());
      child.on('exit', (code) => reject(new Error(`the holder exited (${code}) before taking the lock`)));
    });
    const held = JSON.parse(readFileSync(lock, 'utf8')) as LockOwner;
    expect(held).toMatchObject({ pid: child.pid, host: hostname(), label: 'story a' });
    child.kill('SIGKILL');
    await exited(child);
    const takeovers: Array<LockOwner | undefined> = [];
    // staleMs is long: the takeover comes from the dead pid, not from the heartbeat.
    const mine = await acquireLock(lock, { staleMs: 600_000, timeoutMs: 20_000, onWait: (e) => e.takeover && takeovers.push(e.owner) });
    expect(takeovers.map((o) => o?.pid)).toEqual([child.pid]);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, token: mine.owner.token });
    await mine.release();
    expect(existsSync(lock)).toBe(false);
  }, 30_000);

  it('never takes over a lock whose holder keeps its heartbeat, and says who holds it when it gives up', async () => {
    const dir = temp();
    const lock = join(dir, 'entry.lock');
    const child = node(`
      import { acquireLock } from ${JSON.stringify(src)};
      await acquireLock(${JSON.stringify(lock)}, { heartbeatMs: 40 });
      console.log('held');
      setInterval(() => {}, 1000);`);
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    try {
      await expectCodeAsync(
        () => acquireLock(lock, { staleMs: 300, pollMs: 20, timeoutMs: 1500 }),
        'E_IO',
        new RegExp(`held by pid ${child.pid} on ${hostname()}`),
      );
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  }, 30_000);

  it('keeps the heartbeat while the holder’s main thread is busy (a long synchronous computation)', async () => {
    const dir = temp();
    const lock = join(dir, 'entry.lock');
    const child = node(`
      import { acquireLock } from ${JSON.stringify(src)};
      await acquireLock(${JSON.stringify(lock)}, { heartbeatMs: 40 });
      console.log('held');
      const end = Date.now() + 4000;
      while (Date.now() < end) {}
      process.exit(0);`);
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    try {
      await expectCodeAsync(() => acquireLock(lock, { staleMs: 400, pollMs: 20, timeoutMs: 2000 }), 'E_IO', /held by pid/);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  }, 30_000);

  it('a stalled holder whose lock was taken over knows it and leaves the new holder’s lock alone', async () => {
    const dir = temp();
    const lock = join(dir, 'entry.lock');
    const first = await acquireLock(lock, { heartbeatMs: 60_000 });
    const second = await acquireLock(lock, { staleMs: 200, pollMs: 20, timeoutMs: 10_000 });
    await first.release();
    expect(first.lost).toBe(true);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ token: second.owner.token });
    await second.release();
    expect(second.lost).toBe(false);
    expect(existsSync(lock)).toBe(false);
  });

  it('releases however the guarded work ends, and fails with E_IO naming the folder it cannot write', async () => {
    const dir = temp();
    const lock = join(dir, 'entry.lock');
    await expect(withLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
    expect(await withLock(lock, async () => 7)).toBe(7);
    await expectCodeAsync(() => acquireLock(join(dir, 'missing', 'x.lock'), { label: 'entry x' }), 'E_IO', /missing\/x\.lock for entry x/);
  });

  it('stops waiting on abort', async () => {
    const dir = temp();
    const lock = join(dir, 'entry.lock');
    writeFileSync(lock, JSON.stringify(foreignOwner()));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expectCodeAsync(() => acquireLock(lock, { signal: ac.signal, pollMs: 20 }), 'E_ABORTED', /entry\.lock/);
  });
});
