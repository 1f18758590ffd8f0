import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { OWNER_FILE } from '@voxelwise/io';
import { RunDirectory, cleanRuns, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

/** A pid that has just exited (a finished child process). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

/** An output folder with what killed runs leave: stale (this host, owner gone), foreign, unmarked and live entries. */
function littered(): { dir: string; dead: number } {
  const dir = mkdtempSync(join(tmpdir(), 'vw-clean-'));
  const dead = deadPid();
  const temp = (name: string, owner?: object) => {
    mkdirSync(join(dir, name));
    if (owner) writeFileSync(join(dir, name, OWNER_FILE), JSON.stringify(owner));
  };
  temp(`.tmp-killed-20260101-000000-abcdef12-${dead}-0a1b2c3d`, { pid: dead, host: hostname(), created: '', target: 'x' });
  writeFileSync(
    join(dir, '.killed-20260101-000000-abcdef12.lock'),
    JSON.stringify({ pid: dead, host: hostname(), created: '', runId: 'killed' }),
  );
  temp(`.tmp-away-20260101-000000-abcdef12-42-0a1b2c3d`, { pid: 42, host: 'another-host', created: '', target: 'x' });
  writeFileSync(join(dir, '.legacy-20260101-000000-abcdef12.lock'), '12345\n');
  writeFileSync(
    join(dir, '.live-20260101-000000-abcdef12.lock'),
    JSON.stringify({ pid: process.pid, host: hostname(), created: '', runId: 'live' }),
  );
  return { dir, dead };
}

describe('leftovers of killed runs', () => {
  it('the lock records owner pid and host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-clean-'));
    const run = await RunDirectory.create(dir, 'r-20260101-000000-abcdef12');
    const lock = JSON.parse(readFileSync(join(dir, '.r-20260101-000000-abcdef12.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, host: hostname(), runId: 'r-20260101-000000-abcdef12' });
    await run.discard();
  });

  it('cleanRuns removes stale temp folders and locks of this host, keeps and lists the others; dryRun removes nothing', async () => {
    const { dir } = littered();
    const dry = await cleanRuns(dir, { dryRun: true });
    expect(dry.removed.map((f) => [f.kind, f.state]).sort()).toEqual([
      ['lock', 'stale'],
      ['temp', 'stale'],
    ]);
    expect(readdirSync(dir)).toHaveLength(5);
    const done = await cleanRuns(dir);
    expect(done.removed).toHaveLength(2);
    for (const f of done.removed) expect(existsSync(f.path)).toBe(false);
    const kept = Object.fromEntries(done.kept.map((f) => [f.path.split('/').pop()!, f.state]));
    expect(kept).toEqual({
      '.tmp-away-20260101-000000-abcdef12-42-0a1b2c3d': 'foreign',
      '.legacy-20260101-000000-abcdef12.lock': 'unknown',
      '.live-20260101-000000-abcdef12.lock': 'active',
    });
  });

  it('the next run removes stale leftovers and reports foreign ones', async () => {
    const { dir } = littered();
    const events: VoxelwiseEvent[] = [];
    const r = await train(
      {
        outDir: dir,
        assembly: { name: 'simulated', options: { seed: 1, stories: 3, duration: 120, voxels: 6 } },
        features: [{ name: 'wordrate' }],
      },
      { registry: testRegistry(), onEvent: (e) => events.push(e) },
    );
    const names = readdirSync(dir).sort();
    expect(names).toEqual(
      [
        r.runId,
        '.tmp-away-20260101-000000-abcdef12-42-0a1b2c3d',
        '.legacy-20260101-000000-abcdef12.lock',
        '.live-20260101-000000-abcdef12.lock',
      ].sort(),
    );
    const logs = events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message);
    expect(logs.some((m) => /removed 2 leftovers of killed runs/.test(m))).toBe(true);
    expect(logs.some((m) => /host another-host, pid 42/.test(m) && /no owner recorded/.test(m))).toBe(true);
  });
});
