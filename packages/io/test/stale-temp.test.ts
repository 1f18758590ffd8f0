import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OWNER_FILE, findStaleTempDirs, removeStaleTempDirs, writeDirAtomic } from '../src/index.js';
import type { StaleTempDir } from '../src/index.js';
import { expectCodeAsync } from './expect-code.js';

const temp = () => mkdtempSync(join(tmpdir(), 'vw-io-stale-'));
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

function leftover(parent: string, target: string, owner: { pid: number; host: string } | null, hex = 'abcdef01'): string {
  const dir = join(parent, `.tmp-${target}-${owner?.pid ?? 1}-${hex}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'partial.bin'), 'x');
  if (owner) writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ ...owner, created: '2026-01-01T00:00:00Z', target }));
  return dir;
}

describe('temporary directories left by a killed process', () => {
  it('marks its temporary directory with pid and host while filling, and never leaves the marker in the target', async () => {
    const parent = temp();
    const target = join(parent, 'out');
    let seen: StaleTempDir[] = [];
    await writeDirAtomic(target, async (tmp) => {
      seen = await findStaleTempDirs(parent, 'out');
      expect(existsSync(join(tmp, OWNER_FILE))).toBe(true);
      await writeFile(join(tmp, 'a'), 'a');
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ state: 'active', owner: { pid: process.pid, host: hostname() } });
    expect(readdirSync(target)).toEqual(['a']);
  });

  it('removes leftovers whose owner is gone from this host, reports the others, and keeps other targets', async () => {
    const parent = temp();
    const stale = leftover(parent, 'out', { pid: deadPid(), host: hostname() });
    const foreign = leftover(parent, 'out', { pid: 4242, host: `${hostname()}-elsewhere` }, 'abcdef02');
    const unknown = leftover(parent, 'out', null, 'abcdef03');
    const other = leftover(parent, 'out-2', { pid: deadPid(), host: hostname() }, 'abcdef04');
    const reported: StaleTempDir[][] = [];
    await writeDirAtomic(join(parent, 'out'), async (tmp) => writeFile(join(tmp, 'a'), 'a'), { onStale: (f) => reported.push(f) });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(foreign) && existsSync(unknown) && existsSync(other)).toBe(true);
    const byPath = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => a[0].localeCompare(b[0]);
    expect(reported[0]!.map((d): [string, string, boolean] => [d.path, d.state, d.removed ?? false]).sort(byPath)).toEqual(
      (
        [
          [stale, 'stale', true],
          [foreign, 'foreign', false],
          [unknown, 'unknown', false],
        ] as Array<[string, string, boolean]>
      ).sort(byPath),
    );
    const rest = await removeStaleTempDirs(parent);
    expect(rest.filter((d) => d.removed).map((d) => d.path)).toEqual([other]);
  });

  it('recovers after a SIGKILL during the fill', async () => {
    const parent = temp();
    const target = join(parent, 'killed');
    const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `import { writeDirAtomic } from ${JSON.stringify(src)}; await writeDirAtomic(${JSON.stringify(target)}, async (t) => { console.log('filling'); await new Promise(() => setInterval(() => {}, 1000)); });`;
    // The workspace's sources, not a build (a fresh clone has none): the same condition the tests resolve with.
    const child = spawn(process.execPath, ['--conditions=@voxelwise/source', '--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve());
      child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before it started filling`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const left = await findStaleTempDirs(parent, 'killed');
    expect(left.map((d) => d.state)).toEqual(['stale']);
    await writeDirAtomic(target, async (tmp) => writeFile(join(tmp, 'ok'), 'ok'));
    expect(readdirSync(parent)).toEqual(['killed']);
  }, 30_000);
});

describe('file-system errors while writing a directory', () => {
  it('turns a full disk inside fill into E_IO naming the path, leaving nothing behind', async () => {
    const parent = temp();
    await expectCodeAsync(
      () => writeDirAtomic(join(parent, 'full'), async () => writeFile('/dev/full', 'x'.repeat(10))),
      'E_IO',
      /cannot write file \S+\/full: ENOSPC/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('names the folder when the target cannot be created (read-only file system, permission denied)', async () => {
    await expectCodeAsync(() => writeDirAtomic('/sys/vw-io-test/out', async () => undefined), 'E_IO', /\/sys\/vw-io-test/);
  });
});
