import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArrowTable } from '@voxelwise/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDemo } from '../src/index.js';
import { repoRoot, voxelwise } from './temp-project.js';

const root = mkdtempSync(join(tmpdir(), 'vw-sweep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts the single-node Slurm of tools/slurm (root only); the reason when it cannot. */
function startSlurm(): { ok: boolean; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root (tools/slurm/start.sh runs the daemons as root)' };
  try {
    execFileSync(join(repoRoot, 'tools', 'slurm', 'start.sh'), { stdio: 'pipe', timeout: 60_000 });
    return { ok: true, reason: '' };
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return { ok: false, reason: (e.stderr?.toString() || e.message).trim().split('\n').slice(-1)[0] ?? 'start failed' };
  }
}

const slurm = startSlurm();
// .ci/run installs slurm-wlm and munge: in CI a skipped Slurm test is a failure.
const mustRun = Boolean(process.env['CI']);

const CELLS = 6;

/** The run directory of every finished cell, by cell id. */
function finishedRuns(sweepDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const cells = join(sweepDir, 'cells');
  if (!existsSync(cells)) return out;
  for (const id of readdirSync(cells)) {
    const runs = join(cells, id, 'runs');
    if (!existsSync(runs)) continue;
    const done = readdirSync(runs).filter((n) => !n.startsWith('.') && existsSync(join(runs, n, 'run.json')));
    if (done.length > 0) out.set(id, join(runs, done[0]!));
  }
  return out;
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function summaryRows(sweepDir: string): Promise<Array<Record<string, unknown>>> {
  const table = await readArrowTable(join(sweepDir, 'summary.arrow'), 'test');
  return table.toArray().map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());
}

function attempts(sweepDir: string, id: string): number {
  return (readFileSync(join(sweepDir, 'cells', id, 'log.txt'), 'utf8').match(/^=== attempt \d+ on /gm) ?? []).length;
}

describe('voxelwise sweep: 2 simulated subjects × 3 layers of a tiny GPT-2', () => {
  const project = join(root, 'project');
  const localDir = join(project, 'sweeps', 'local');
  const slurmDir = join(project, 'sweeps', 'slurm');

  beforeAll(async () => {
    const { modelDir } = await prepareDemo({ cacheDir: join(root, 'models') });
    const lm = { model: modelDir, layer: 2, lookback: 48, contextType: 'fullcontext', pooling: 'lastToken' };
    const sweep = {
      name: 'layers',
      cacheDir: join(project, 'cache'),
      memoryBudget: '1GB',
      assembly: {
        name: 'simulated',
        options: {
          seed: 1,
          stories: 3,
          duration: 120,
          voxels: 12,
          plantedFraction: 0.5,
          testRepeats: 4,
          extractor: { name: 'lm', options: lm },
        },
      },
      features: [{ name: 'lm', options: lm }],
      model: { name: 'ridge-cv', options: { alphas: [0.001, 0.01, 0.1, 1, 10, 100] } },
      // Two simulated subjects (sim-1, sim-2: the simulator's subject follows its seed) × layers 0..2.
      grid: { 'assembly.options.seed': [1, 2], 'features.0.options.layer': '0..2' },
      sweep: {
        parallel: 1,
        retries: 1,
        slurm: { pollSeconds: 1, throttle: 1, fit: { cpusPerTask: 1, mem: '1G' }, merge: { mem: '500M' } },
      },
    };
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'sweep.json'), JSON.stringify(sweep, null, 2));
  }, 120_000);

  it('the README HPC sample (tutorial config, 3 LeBel subjects × GPT-2 layers 0..12) plans 39 Slurm cells', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = /```yaml\n(# sweep\.yaml[^\n]*\n[\s\S]*?)```/.exec(readme);
    expect(block, 'README.md has a "# sweep.yaml" block').not.toBeNull();
    writeFileSync(join(project, 'readme-sweep.yaml'), block![1]!);
    const r = await voxelwise(['sweep', '-c', 'readme-sweep.yaml', '--dry-run', '--json'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      executor: string;
      cells: Array<{ config: { features: Array<{ options: { layer: number } }> } }>;
      extractGroups: unknown[];
    };
    expect(out.executor).toBe('slurm');
    expect(out.cells).toHaveLength(39);
    expect(out.cells.map((c) => c.config.features[0]!.options.layer).slice(0, 13)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(out.extractGroups).toHaveLength(3);
  });

  it('--dry-run lists every cell and the two feature extractions, and runs nothing', async () => {
    const r = await voxelwise(['sweep', '-c', 'sweep.json', '--dir', 'sweeps/local', '--dry-run', '--json'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { cells: Array<{ status: string; label: string }>; extractGroups: unknown[] };
    expect(out.cells).toHaveLength(CELLS);
    expect(out.cells.every((c) => c.status === 'pending')).toBe(true);
    expect(out.cells[0]!.label).toBe('assembly.options.seed=1 features.0.options.layer=0');
    expect(out.extractGroups).toHaveLength(2);
    expect(existsSync(localDir)).toBe(false);
  });

  it('local: killed midway, the same command then runs only the missing cells', async () => {
    // The first pass is killed (SIGKILL to its process group: no cleanup at all) once two cells finished.
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'apps', 'cli', 'bin', 'voxelwise.js'), 'sweep', '-c', 'sweep.json', '--dir', 'sweeps/local', '-q'],
      {
        cwd: project,
        detached: true,
        stdio: 'ignore',
      },
    );
    const exited = new Promise((r) => child.on('exit', r));
    await waitFor(() => finishedRuns(localDir).size >= 2, 240_000);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const before = finishedRuns(localDir);
    expect(before.size).toBeGreaterThanOrEqual(2);
    expect(before.size).toBeLessThan(CELLS);

    const r = await voxelwise(['sweep', '-c', 'sweep.json', '--dir', 'sweeps/local'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${before.size} already done, ${CELLS - before.size} to run`));
    const after = finishedRuns(localDir);
    expect(after.size).toBe(CELLS);
    // The cells finished before the kill kept their run directory and ran once.
    for (const [id, dir] of before) {
      expect(after.get(id)).toBe(dir);
      expect(attempts(localDir, id)).toBe(1);
    }
    const record = JSON.parse(readFileSync(join(localDir, 'sweep.json'), 'utf8')) as { cells: Array<{ status: string }> };
    expect(record.cells.map((c) => c.status)).toEqual(Array(CELLS).fill('done'));
    const html = readFileSync(join(localDir, 'sweep.html'), 'utf8');
    expect(html).toContain('aria-label="layer curve assembly.options.seed=1"');
    expect(html).not.toMatch(/<script|https?:\/\//);

    // summary.arrow: one row per cell; the layer of each subject is the one with the best CV score.
    const rows = await summaryRows(localDir);
    expect(rows).toHaveLength(CELLS);
    for (const subject of ['sim-1', 'sim-2']) {
      const mine = rows.filter((x) => x['subject'] === subject);
      expect(mine).toHaveLength(3);
      const best = mine.reduce((a, b) => ((b['cv_score'] as number) > (a['cv_score'] as number) ? b : a));
      for (const x of mine) expect(x['selected_layer']).toBe(best['features.0.options.layer']);
      expect(mine.filter((x) => x['selected']).map((x) => x['cell'])).toEqual([best['cell']]);
    }

    // runs ls understands sweeps: the cells' runs, and a line per sweep.
    const ls = await voxelwise(['runs', 'ls', '--out', 'sweeps'], project);
    expect(ls.code).toBe(0);
    expect(ls.stdout.split('\n').filter((l) => l.startsWith('layers-'))).toHaveLength(CELLS);
    expect(ls.stdout).toMatch(/sweep layers \(sweeps\/local\): 6 cells, 6 done/);

    // A third run finds nothing to do.
    const again = await voxelwise(['sweep', '-c', 'sweep.json', '--dir', 'sweeps/local'], project);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${CELLS} already done, 0 to run`));
  }, 600_000);

  /** A sweep whose one cell fails at run time (its model folder does not exist). */
  function failingSweep(name: string): string {
    const sweep = {
      name,
      assembly: { name: 'simulated', options: { seed: 3, stories: 3, duration: 60, voxels: 4 } },
      features: [{ name: 'lm', options: { model: join(root, 'no-such-model'), layer: 0 } }],
      grid: { seed: [0] },
      sweep: { retries: 1, slurm: { pollSeconds: 1 } },
    };
    writeFileSync(join(project, `${name}.json`), JSON.stringify(sweep));
    return `${name}.json`;
  }

  it('local: a failing cell is retried once, then reported with its log in sweep.html (exit 1)', async () => {
    const r = await voxelwise(['sweep', '-c', failingSweep('broken'), '--dir', 'sweeps/broken'], project);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed; retrying/);
    expect(r.stderr).toMatch(/failed after 2 attempt\(s\)/);
    const dir = join(project, 'sweeps', 'broken');
    const [id] = readdirSync(join(dir, 'cells'));
    expect(attempts(dir, id!)).toBe(2);
    const html = readFileSync(join(dir, 'sweep.html'), 'utf8');
    expect(html).toMatch(/<summary>[0-9a-f]{12} — seed=0 \(2 attempts\)<\/summary><pre>[\s\S]*no-such-model/);
  }, 120_000);

  it.skipIf(!slurm.ok)(
    'slurm: a failing cell is resubmitted once, then reported (exit 1)',
    async () => {
      const r = await voxelwise(
        ['sweep', '-c', failingSweep('broken-slurm'), '--dir', 'sweeps/broken-slurm', '--executor', 'slurm'],
        project,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/1 cell\(s\) failed \([0-9a-f]{12}\); resubmitting \(1 of 1\)/);
      const dir = join(project, 'sweeps', 'broken-slurm');
      expect(existsSync(join(dir, 'slurm', 'fit-2.sh'))).toBe(true);
      const record = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { cells: Array<{ status: string; attempts: number }> };
      expect(record.cells).toEqual([expect.objectContaining({ status: 'failed', attempts: 2 })]);
    },
    300_000,
  );

  it('has Slurm when running in CI', () => {
    if (mustRun) expect(slurm.ok, `CI must start Slurm (.ci/run installs slurm-wlm and munge): ${slurm.reason}`).toBe(true);
  });

  it.skipIf(!slurm.ok)(
    `slurm: job arrays through sbatch, cancelled midway and resubmitted, equal the local executor bit for bit${slurm.ok ? '' : ` — SKIPPED: Slurm cannot start here (${slurm.reason})`}`,
    async () => {
      const first = await voxelwise(['sweep', '-c', 'sweep.json', '--dir', 'sweeps/slurm', '--executor', 'slurm', '--detach'], project);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/submitted extraction \d+ \(2 tasks\) → fits \d+ \(6 tasks\) → merge \d+/);
      // The fit array is throttled to one task at a time (%1): cancel it after two cells.
      await waitFor(() => finishedRuns(slurmDir).size >= 2, 300_000);
      const cancel = await voxelwise(['sweep', 'cancel', 'sweeps/slurm'], project);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(cancel.stdout).toMatch(/cancelled jobs/);
      const before = finishedRuns(slurmDir);
      expect(before.size).toBeLessThan(CELLS);

      const r = await voxelwise(['sweep', '-c', 'sweep.json', '--dir', 'sweeps/slurm', '--executor', 'slurm'], project);
      expect(r.code, r.stderr).toBe(0);
      // Only the missing cells were submitted again.
      const resubmitted = readFileSync(join(slurmDir, 'slurm', 'fit-2.cells'), 'utf8')
        .trim()
        .split('\n');
      expect(resubmitted).toHaveLength(CELLS - before.size);
      for (const id of before.keys()) expect(resubmitted).not.toContain(id);
      const after = finishedRuns(slurmDir);
      expect(after.size).toBe(CELLS);
      for (const [id, dir] of before) expect(after.get(id)).toBe(dir);

      // Bit for bit: every cell's scores and weights equal the local executor's.
      const local = finishedRuns(localDir);
      expect([...after.keys()].sort()).toEqual([...local.keys()].sort());
      for (const [id, dir] of after) {
        for (const file of ['scores.arrow', 'weights.arrow', 'metrics.json']) {
          expect(readFileSync(join(dir, file)).equals(readFileSync(join(local.get(id)!, file))), `${id}/${file}`).toBe(true);
        }
      }
      const strip = (rows: Array<Record<string, unknown>>) => rows.map(({ duration_s: _d, run_dir: _r, attempts: _a, ...rest }) => rest);
      expect(strip(await summaryRows(slurmDir))).toEqual(strip(await summaryRows(localDir)));

      const status = await voxelwise(['sweep', 'status', 'sweeps/slurm'], project);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/6 cells: 6 done, 0 running, 0 failed, 0 pending/);
    },
    600_000,
  );

  it.skipIf(!slurm.ok)(
    `slurm: a 3-shard fit (voxelwise shard plan | fit | merge as array tasks) equals the local fit bit for bit${slurm.ok ? '' : ` — SKIPPED: Slurm cannot start here (${slurm.reason})`}`,
    async () => {
      // One cell of the grid (subject sim-1, layer 2), its voxels split across three array tasks.
      const sweep = JSON.parse(readFileSync(join(project, 'sweep.json'), 'utf8')) as Record<string, Record<string, unknown>>;
      sweep['grid'] = { 'assembly.options.seed': [1], 'features.0.options.layer': [2] };
      sweep['sweep'] = { ...sweep['sweep'], shards: 3, slurm: { pollSeconds: 1 } };
      writeFileSync(join(project, 'shard.json'), JSON.stringify(sweep));
      const shardDir = join(project, 'sweeps', 'shard');
      const r = await voxelwise(['sweep', '-c', 'shard.json', '--dir', 'sweeps/shard', '--executor', 'slurm'], project);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/shard plans \d+ \(1 tasks\) → shard fits \d+ \(3 tasks\) → shard merges \d+ \(1 tasks\)/);
      const logs = readdirSync(join(shardDir, 'slurm', 'logs'));
      expect(logs.filter((n) => n.startsWith('shard-fit-'))).toHaveLength(3);
      const runs = [...finishedRuns(shardDir)];
      expect(runs).toHaveLength(1);
      const [id, dir] = runs[0]!;
      const local = finishedRuns(localDir).get(id!);
      expect(local, 'the sharded cell has the config hash of a local cell').toBeDefined();
      expect(readdirSync(join(shardDir, 'cells', id!, 'shards'))).toEqual(expect.arrayContaining(['shard-0', 'shard-1', 'shard-2']));
      for (const file of ['scores.arrow', 'weights.arrow', 'metrics.json']) {
        expect(readFileSync(join(dir!, file)).equals(readFileSync(join(local!, file))), file).toBe(true);
      }
    },
    600_000,
  );
});
