import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunJson } from '@voxelwise/trainer';
import { runCli as run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vw-cli-shard-'));
function config(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
const base = {
  name: 'sharded',
  outDir: join(dir, 'results'),
  cacheDir: join(dir, 'cache'),
  assembly: { name: 'simulated', options: { voxels: 23, stories: 4, duration: 150 } },
  features: [{ name: 'wordrate' }],
  delays: [1, 2, 3, 4, 5, 6],
  model: { name: 'ridge-cv', options: { alphas: [0.1, 1, 10, 100, 1000] } },
};
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('voxelwise shard', () => {
  it('plans, fits 3 shards and merges into a run equal to the single-process fit, bit for bit', async () => {
    const file = config('run.json', base);
    const single = await run(['train', '--config', file, '--quiet']);
    expect(single.code, single.err).toBe(0);
    const singleDir = /results in (\S+)/.exec(single.out)![1]!;

    const shards = join(dir, 'shards');
    const plan = await run(['shard', 'plan', file, '--shards', '3', '--dir', shards, '--quiet']);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toContain('planned 3 shards of 23 voxels');
    expect(json(join(shards, 'plan.json'))).toMatchObject({
      shards: 3,
      ranges: [
        { index: 0, start: 0, end: 7 },
        { index: 1, start: 7, end: 15 },
        { index: 2, start: 15, end: 23 },
      ],
    });
    // Planning the same config again keeps the plan.
    expect((await run(['shard', 'plan', file, '--shards', '3', '--dir', shards, '--quiet'])).out).toContain('kept the existing plan');

    const early = await run(['shard', 'merge', '--dir', shards, '--quiet']);
    expect(early.code).toBe(1);
    expect(early.err).toContain('E_FILE_NOT_FOUND');
    expect(early.err).toMatch(
      /3 of the 3 shards .* are not finished: shard 0 \(voxels 0–6\), shard 1 \(voxels 7–14\), shard 2 \(voxels 15–22\)/,
    );

    for (const k of [2, 0]) expect((await run(['shard', 'fit', '--dir', shards, '--index', String(k), '--quiet'])).code).toBe(0);
    const missing = await run(['shard', 'merge', '--dir', shards, '--quiet']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/1 of the 3 shards .* not finished: shard 1 \(voxels 7–14\)/);
    expect(missing.err).toContain(`voxelwise shard fit --dir ${shards} --index 1`);

    const fit1 = await run(['shard', 'fit', '--dir', shards, '--index', '1', '--quiet']);
    expect(fit1.out).toMatch(/shard 1 \(voxels 7–14\): fitted in/);
    expect((await run(['shard', 'fit', '--dir', shards, '--index', '1', '--quiet'])).out).toContain('already complete, skipped');
    expect(existsSync(join(shards, 'shard-1.lock'))).toBe(false);

    const merged = await run(['shard', 'merge', '--dir', shards, '--quiet']);
    expect(merged.code, merged.err).toBe(0);
    const mergedDir = merged.out.trim();
    expect(mergedDir.split('\n')).toHaveLength(1);
    expect(mergedDir).not.toBe(singleDir);
    for (const f of ['scores.arrow', 'weights.arrow', 'timeseries.arrow', 'metrics.json'])
      expect(readFileSync(join(mergedDir, f)).equals(readFileSync(join(singleDir, f))), f).toBe(true);
    const runJson = await readRunJson(mergedDir);
    expect(runJson.configHash).toBe((await readRunJson(singleDir)).configHash);
    expect(runJson.model.info['shards']).toMatchObject({
      count: 3,
      ranges: [
        [0, 7],
        [7, 15],
        [15, 23],
      ],
    });
    expect(existsSync(join(mergedDir, 'report.html'))).toBe(true);
  }, 120_000);

  it('refuses a shard of another plan, naming it, and configs that cannot be sharded', async () => {
    const file = config('other.json', { ...base, name: 'other' });
    const shards = join(dir, 'shards-mismatch');
    expect((await run(['shard', 'plan', file, '--shards', '2', '--dir', shards, '-q'])).code).toBe(0);
    for (const k of [0, 1]) expect((await run(['shard', 'fit', '--dir', shards, '--index', String(k), '-q'])).code).toBe(0);
    const part = join(shards, 'shard-1', 'part.json');
    const state = json(part) as { meta: { record: { planId: string } } };
    state.meta.record.planId = 'someotherplan';
    writeFileSync(part, JSON.stringify(state));
    const r = await run(['shard', 'merge', '--dir', shards, '-q']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('E_DATA_INVALID');
    expect(r.err).toMatch(/shard 1 \(.*shard-1\) belongs to another plan: it records plan someotherplan/);

    const other = await run(['shard', 'plan', config('again.json', { ...base, seed: 9 }), '--shards', '2', '--dir', shards, '-q']);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/already holds a plan of 2 shards for config hash/);

    const single = await run([
      'shard',
      'plan',
      config('single.json', { ...base, model: { name: 'ridge-cv', options: { alphaMode: 'single' } } }),
      '--shards',
      '2',
      '--dir',
      join(dir, 's2'),
      '-q',
    ]);
    expect(single.code).toBe(2);
    expect(single.err).toContain('E_OPTIONS_INVALID');
    expect(single.err).toContain('alphaMode');
    const sweep = await run([
      'shard',
      'plan',
      config('sweep.json', { ...base, layers: [0, 1] }),
      '--shards',
      '2',
      '--dir',
      join(dir, 's3'),
      '-q',
    ]);
    expect(sweep.code).toBe(2);
    expect(sweep.err).toMatch(/E_CONFIG_INVALID.*layer sweep/s);
    expect((await run(['shard', 'fit', '--dir', shards, '--index', '5', '-q'])).err).toContain('shards 0–1');
    const flags = await run(['shard', 'merge', '--dir', shards, '--seed', '3']);
    expect(flags.code).toBe(2);
    expect(flags.err).toContain('--seed apply to "shard plan" only');
  }, 120_000);
});
