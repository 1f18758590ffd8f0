import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { fitShard, mergeShards, planShards, readShardPlan } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

const root = mkdtempSync(join(tmpdir(), 'vw-trainer-shard-'));
const config = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  outDir: join(root, 'results'),
  cacheDir: join(root, 'cache'),
  assembly: { name: 'simulated', options: { voxels: 12, stories: 3, duration: 120 } },
  features: [{ name: 'wordrate' }],
  report: { enabled: false },
  ...extra,
});

describe('sharded fits (library)', () => {
  it('two fitters of the same shard at once (a resubmitted task): one fits it, the other waits on its lock and skips it', async () => {
    const registry = testRegistry();
    const { dir } = await planShards(config('race'), { registry, shards: 2, dir: join(root, 'race') });
    const [a, b] = await Promise.all([fitShard(dir, 0, { registry }), fitShard(dir, 0, { registry })]);
    expect([a.status, b.status].sort()).toEqual(['fitted', 'skipped']);
    expect((await fitShard(dir, 1, { registry })).status).toBe('fitted');
    const run = await mergeShards(dir, { registry });
    expect(run.runDir.startsWith(join(root, 'results'))).toBe(true);
  }, 60_000);

  it('a shard whose fitter was killed (its lock and temporary folder left behind) is fitted by the next try at once', async () => {
    const registry = testRegistry();
    const { dir } = await planShards(config('killed'), { registry, shards: 2, dir: join(root, 'killed') });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, 'shard-0.lock'), JSON.stringify({ pid: dead, host: hostname(), token: 'gone', acquired: '', label: '' }));
    const tmp = join(dir, `.tmp-shard-0-${dead}-0123abcd`);
    mkdirSync(tmp);
    writeFileSync(
      join(tmp, '.voxelwise-owner.json'),
      JSON.stringify({ pid: dead, host: hostname(), created: '', target: join(dir, 'shard-0') }),
    );
    const r = await fitShard(dir, 0, { registry, lock: { staleMs: 600_000 } });
    expect(r.status).toBe('fitted');
    expect(readdirSync(dir).filter((f) => f.includes('shard-0'))).toEqual(['shard-0']);
  }, 60_000);

  it('two plans of one directory at once (a resubmitted task): the second waits and keeps the first plan', async () => {
    const registry = testRegistry();
    const dir = join(root, 'twice');
    const [a, b] = await Promise.all([
      planShards(config('twice'), { registry, shards: 2, dir }),
      planShards(config('twice'), { registry, shards: 2, dir }),
    ]);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(a.plan.planId).toBe(b.plan.planId);
    expect((await readShardPlan(dir)).planId).toBe(a.plan.planId);
  }, 60_000);

  it('refuses a shard copied from another plan of the same config, naming it, and a rebuilt design that differs', async () => {
    const registry = testRegistry();
    const first = await planShards(config('copy'), { registry, shards: 2, dir: join(root, 'copy-a') });
    const second = await planShards(config('copy'), { registry, shards: 2, dir: join(root, 'copy-b') });
    for (const k of [0, 1]) await fitShard(second.dir, k, { registry });
    await fitShard(first.dir, 0, { registry });
    cpSync(join(second.dir, 'shard-1'), join(first.dir, 'shard-1'), { recursive: true });
    await expectVoxelwiseError(() => mergeShards(first.dir, { registry }), 'E_DATA_INVALID', /shard 1 .* belongs to another plan/);

    // The same plan, but the assembly the merge rebuilds has other responses (its seed changed).
    rmSync(join(first.dir, 'shard-1'), { recursive: true });
    await fitShard(first.dir, 1, { registry });
    const planFile = join(first.dir, 'plan.json');
    const plan = await readShardPlan(first.dir);
    const edited = {
      ...plan,
      config: { ...plan.config, assembly: { name: 'simulated', options: { voxels: 12, stories: 3, duration: 120, seed: 5 } } },
    };
    writeFileSync(planFile, JSON.stringify(edited));
    await expectVoxelwiseError(() => mergeShards(first.dir, { registry }), 'E_DATA_INVALID', /rebuilt different training/);
    expect(JSON.parse(readFileSync(planFile, 'utf8')).planId).toBe(plan.planId);
  }, 60_000);
});
