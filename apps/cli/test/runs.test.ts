import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('voxelwise runs ls', () => {
  it('reads run.json through the trainer’s schema: a run that does not fit it is listed as unreadable', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vw-cli-runs-'));
    const bad = join(out, 'demo-20260101-000000-deadbeef');
    mkdirSync(bad);
    writeFileSync(join(bad, 'run.json'), JSON.stringify({ runId: 'demo-20260101-000000-deadbeef', status: 'ok' }));
    writeFileSync(join(bad, 'metrics.json'), JSON.stringify({ median_score: 0.5 }));
    const r = await runCli(['runs', 'ls', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ runId: 'demo-20260101-000000-deadbeef', status: 'unreadable' })]);
    rmSync(out, { recursive: true, force: true });
  });
});

describe('voxelwise runs clean', () => {
  /** A pid that existed and is gone: a child that has exited. */
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
  const lock = (pid: number, host = hostname()) => JSON.stringify({ pid, host, created: new Date().toISOString(), runId: 'r' });
  const tempDir = (out: string, name: string, pid: number, host = hostname()) => {
    mkdirSync(join(out, name));
    writeFileSync(join(out, name, '.voxelwise-owner.json'), JSON.stringify({ pid, host, created: '', target: join(out, 'r') }));
    writeFileSync(join(out, name, 'scores.arrow'), 'partial');
    return join(out, name);
  };

  it('removes the leftovers of killed runs, keeps a live run’s and reports another host’s', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vw-cli-clean-'));
    const dead = deadPid();
    const staleLock = join(out, '.demo-20260101-000000-00000001.lock');
    writeFileSync(staleLock, lock(dead));
    const staleTemp = tempDir(out, `.tmp-demo-20260101-000000-00000001-${dead}-0123abcd`, dead);
    const liveLock = join(out, '.demo-20260101-000000-00000002.lock');
    writeFileSync(liveLock, lock(process.pid));
    const liveTemp = tempDir(out, `.tmp-demo-20260101-000000-00000002-${process.pid}-4567abcd`, process.pid);
    const foreignLock = join(out, '.demo-20260101-000000-00000003.lock');
    writeFileSync(foreignLock, lock(dead, 'another-host.example'));
    const finished = join(out, 'demo-20260101-000000-00000004');
    mkdirSync(finished);

    const dry = await runCli(['runs', 'clean', '--out', out, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`would remove ${staleLock}`);
    expect(dry.out).toContain(`would remove ${staleTemp}`);
    expect(existsSync(staleLock) && existsSync(staleTemp)).toBe(true);

    const r = await runCli(['runs', 'clean', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`removed ${staleLock}`);
    expect(r.out).toContain(`removed ${staleTemp}`);
    expect(r.out).toMatch(new RegExp(`kept ${foreignLock.replaceAll('.', '\\.')} .*another-host\\.example`));
    expect(r.out).toContain(`kept ${liveLock}`);
    expect(existsSync(staleLock)).toBe(false);
    expect(existsSync(staleTemp)).toBe(false);
    for (const kept of [liveLock, liveTemp, foreignLock, finished]) expect(existsSync(kept)).toBe(true);

    const json = JSON.parse((await runCli(['runs', 'clean', '--out', out, '--json'])).out) as { removed: unknown[]; kept: unknown[] };
    expect(json.removed).toEqual([]);
    expect(json.kept).toHaveLength(3);
    rmSync(out, { recursive: true, force: true });
  });

  it('says when there is nothing to clean; --dry-run belongs to clean', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vw-cli-clean-'));
    expect((await runCli(['runs', 'clean', '--out', out])).out).toBe(`nothing to clean in ${out}\n`);
    expect((await runCli(['runs', 'ls', '--out', out, '--dry-run'])).code).toBe(2);
    expect((await runCli(['runs', 'clean', 'extra'])).code).toBe(2);
    expect((await runCli(['runs', '--help'])).out).toContain('--dry-run');
    rmSync(out, { recursive: true, force: true });
  });
});
