import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';
import { configTools } from './train.js';

const options = {
  config: { type: 'string', short: 'c', value: '<file>', description: 'Sweep file: a run config plus "grid" (and optional "sweep")' },
  executor: { type: 'string', value: '<local|slurm>', description: 'Override sweep.executor (default local)' },
  dir: { type: 'string', value: '<dir>', description: 'Override sweep.dir (default sweeps/<name>)' },
  parallel: { type: 'string', value: '<n>', description: 'local: cells at a time (default: cores, fewer when memory is short)' },
  retries: { type: 'string', value: '<n>', description: 'Extra attempts of a failed cell (default 1)' },
  'dry-run': { type: 'boolean', description: 'List the cells and what each needs; run nothing' },
  detach: { type: 'boolean', description: 'slurm: submit and return (follow with "sweep status <dir>")' },
  json: { type: 'boolean', description: 'Print JSON (--dry-run, status)' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress output' },
  // Internal: what the job scripts of a Slurm sweep run.
  group: { type: 'string', value: '<k>', description: 'task extract: the extraction group' },
  cell: { type: 'string', value: '<id>', description: 'task fit: the cell' },
  job: { type: 'string', value: '<id>', description: 'task fit: the Slurm job id recorded with the attempt' },
  step: { type: 'string', value: '<merge>', description: "task fit: only the merge of the cell's shards (sharded sweeps)" },
} as const;

function count(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be an integer ≥ ${min} (got "${text}")`);
  return n;
}

/**
 * The `voxelwise` command the cells run, as argv: this installation's launcher under the same
 * node, so every cell (and every Slurm task, on a shared file system) runs the same code.
 */
function selfCommand(): string[] {
  const pkg = createRequire(import.meta.url).resolve('@voxelwise/cli/package.json');
  return [process.execPath, join(dirname(pkg), 'bin', 'voxelwise.js')];
}

function progressLogger(env: CommandEnv, quiet: boolean) {
  return import('@voxelwise/trainer').then(({ consoleLogger }) => {
    const logger = consoleLogger({ stream: env.err });
    return { onEvent: quiet ? undefined : (e: Parameters<typeof logger.handle>[0]) => logger.handle(e), close: () => logger.close?.() };
  });
}

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function status(dir: string, json: boolean, env: CommandEnv): Promise<number> {
  const { loadPlan, sweepStatus } = await import('@voxelwise/sweep');
  const { plan } = await loadPlan(dir);
  const { record, queued } = await sweepStatus(plan);
  if (json) {
    env.out.write(`${JSON.stringify({ ...record, queued }, null, 2)}\n`);
    return 0;
  }
  const n = { done: 0, running: 0, failed: 0, pending: 0 };
  for (const c of record.cells) n[c.status]++;
  env.out.write(
    `sweep ${record.name} (${record.executor}) in ${plan.dir}\n  ${record.cells.length} cells: ${n.done} done, ${n.running} running, ${n.failed} failed, ${n.pending} pending\n`,
  );
  if (queued.length > 0)
    env.out.write(
      `  queued tasks: ${queued.filter((t) => t.state === 'RUNNING').length} running, ${queued.filter((t) => t.state === 'PENDING').length} pending\n`,
    );
  const { fmt } = await import('../summary.js');
  const rows = record.cells.map((c) => [
    c.id,
    c.label,
    c.status,
    String(c.attempts),
    fmt(c.metrics?.['cv_score'], 4),
    fmt(c.metrics?.['median_score'], 4),
  ]);
  env.out.write(`${pad([['cell', 'grid', 'status', 'tries', 'cv score', 'median r'], ...rows])}\n`);
  return n.failed > 0 ? 1 : 0;
}

async function task(sub: string | undefined, values: Record<string, unknown>, env: CommandEnv): Promise<number> {
  const dir = values['dir'];
  if (typeof dir !== 'string') throw usageError('sweep task needs --dir <sweep dir>');
  const sweep = await import('@voxelwise/sweep');
  const { plan } = await sweep.loadPlan(dir);
  if (sub === 'merge') {
    const record = await sweep.mergeSweep(plan);
    env.out.write(`${join(plan.dir, 'sweep.html')}\n`);
    return record.cells.some((c) => c.status === 'failed') ? 1 : 0;
  }
  if (sub === 'fit') {
    const id = values['cell'];
    const cell = plan.cells.find((c) => c.id === id);
    if (!cell) throw usageError(`sweep task fit: no cell "${String(id)}" in ${plan.dir}`);
    if (values['step'] !== undefined && values['step'] !== 'merge')
      throw usageError(`sweep task fit --step takes merge (got "${String(values['step'])}")`);
    const steps = sweep.cellSteps(cell, plan.settings.shards);
    const state = await sweep.runCell(cell, {
      command: selfCommand(),
      // On Slurm the shards ran as their own array tasks: this task only merges them.
      steps: values['step'] === 'merge' ? steps.slice(-1) : steps,
      cwd: plan.cwd,
      ...(typeof values['job'] === 'string' ? { jobId: values['job'] } : {}),
      ...(env.signal ? { signal: env.signal } : {}),
    });
    env.out.write(`cell ${cell.id} ${state.status}${state.runDir ? `: ${state.runDir}` : ''}\n`);
    return state.status === 'ok' ? 0 : 1;
  }
  if (sub === 'extract') {
    const group = count('--group', typeof values['group'] === 'string' ? values['group'] : undefined, 0);
    if (group === undefined) throw usageError('sweep task extract needs --group <k>');
    const first = plan.cells.find((c) => c.extractGroup === group);
    const { usePlugins } = await configTools();
    const registry = await env.registry();
    const plugins = first?.config['plugins'];
    if (Array.isArray(plugins)) await usePlugins(registry, plugins as string[], plan.cwd);
    const { onEvent, close } = await progressLogger(env, false);
    const stories = await sweep.extractGroup(plan, group, {
      registry,
      ...(onEvent ? { onEvent } : {}),
      ...(env.signal ? { signal: env.signal } : {}),
    });
    await close();
    env.out.write(`extraction group ${group}: ${stories} stories in the cache\n`);
    return 0;
  }
  throw usageError(`sweep task needs extract, fit or merge (got "${sub ?? ''}")`);
}

/** `voxelwise sweep`: a grid of runs, locally or on Slurm; `sweep status` and `sweep cancel`. */
export const sweepCommand: Command = {
  help: formatHelp({
    usage: [
      'voxelwise sweep --config <sweep.yaml> [--executor local|slurm] [--dry-run] [options]',
      'voxelwise sweep status <dir> [--json]',
      'voxelwise sweep cancel <dir>',
    ],
    description: `Expands a grid over a base config into cells, each a normal run with its own config hash and
run directory (<dir>/cells/<hash12>/runs/<run-id>), and runs the unfinished ones: cells whose run
with the same hash finished are skipped, so rerunning the same command after a failure, a kill or
an edit of the grid runs only what is missing. At the end <dir> holds sweep.json (grid, cells,
status, timings), summary.arrow (one row per cell: grid values, headline metrics, the layer
selected per subject on inner-CV scores, never test scores) and sweep.html.

Executors: local runs cells as child processes, as many at once as cores and memory allow
(memoryBudget per cell); slurm submits one job array per stage — feature extraction of each
distinct assembly × extractors into the shared cache, then the fits (--dependency=afterok), then a
merge job — follows them with squeue, and resubmits failed cells up to "retries" times. Ctrl-C
stops following; the jobs keep running: "sweep status <dir>" and "sweep cancel <dir>" work from
any login node.`,
    options,
    notes: `The batch scripts of a Slurm sweep (<dir>/slurm/*.sh) run "voxelwise sweep task extract --group k",
"sweep task fit --cell <id>" and "sweep task merge" with --dir <dir>: the --group, --cell, --job
and --step options are theirs.

Sweep file (YAML): a run config plus
  grid:
    subject: [UTS01, UTS02, UTS03]          # shorthand for assembly.options.subject
    features.0.options.layer: 0..12         # any config path; "a..b" is an integer range
    seed: [0, 1]
  sweep:
    executor: slurm                         # local (default) | slurm
    retries: 1
    shards: 1                               # > 1: each fit split by voxels (voxelwise shard)
    slurm:
      throttle: 20                          # --array=…%20
      extract: { gres: "gpu:1", mem: 16G, time: "01:00:00", partition: gpu }
      fit: { cpusPerTask: 8, mem: 32G, time: "02:00:00", account: mylab, extra: ["--qos=normal"] }
      merge: { mem: 2G, time: "00:10:00" }`,
    examples: [
      'voxelwise sweep --config sweep.yaml --dry-run',
      'voxelwise sweep --config sweep.yaml',
      'voxelwise sweep --config sweep.yaml --executor slurm --detach',
      'voxelwise sweep status sweeps/lebel-gpt2',
      'voxelwise sweep cancel sweeps/lebel-gpt2',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('sweep', options, args);
    const [sub, ...rest] = positionals;
    if (sub === 'status' || sub === 'cancel') {
      const [dir, ...more] = rest;
      if (!dir || more.length > 0) throw usageError(`sweep ${sub} needs one sweep directory (got ${rest.length})`);
      if (sub === 'status') return status(dir, values.json === true, env);
      const { cancelSweep, loadPlan } = await import('@voxelwise/sweep');
      const { plan } = await loadPlan(dir);
      const cancelled = await cancelSweep(plan);
      env.out.write(cancelled.length > 0 ? `cancelled jobs ${cancelled.join(', ')}\n` : `no queued jobs of ${plan.dir}\n`);
      return 0;
    }
    if (sub === 'task') return task(rest[0], values as Record<string, unknown>, env);
    if (sub !== undefined && sub !== 'run') throw usageError(`sweep takes --config <file>, or status <dir>, cancel <dir> (got "${sub}")`);
    if (!values.config) throw usageError('sweep needs --config <sweep file>');
    const executor = values.executor;
    if (executor !== undefined && executor !== 'local' && executor !== 'slurm')
      throw usageError(`--executor must be local or slurm (got "${executor}")`);
    const parallel = count('--parallel', values.parallel, 1);
    const retries = count('--retries', values.retries, 0);

    const { loadConfigFile, usePlugins } = await configTools();
    const sweep = await import('@voxelwise/sweep');
    const spec = sweep.parseSweepSpec(await loadConfigFile(values.config), values.config);
    if (executor) spec.settings.executor = executor;
    const plan = sweep.planSweep(spec, { configDir: dirname(values.config), ...(values.dir ? { dir: values.dir } : {}) });
    if (values['dry-run']) {
      const cells = [];
      for (const c of plan.cells) cells.push({ ...c, status: (await sweep.cellStatus(c)).status });
      if (values.json) {
        env.out.write(
          `${JSON.stringify({ dir: plan.dir, executor: spec.settings.executor, cells, extractGroups: plan.extractGroups }, null, 2)}\n`,
        );
        return 0;
      }
      const todo = cells.filter((c) => c.status !== 'done');
      env.out.write(
        `sweep ${plan.name}: ${cells.length} cells, ${cells.length - todo.length} done, ${todo.length} to run (${spec.settings.executor}) in ${plan.dir}\n`,
      );
      const rows = cells.map((c) => [
        c.id,
        c.label,
        c.status,
        `features ${plan.extractGroups[c.extractGroup]!.label} #${c.extractGroup}`,
        `memory ${String(c.config['memoryBudget'] ?? '4GB')}`,
      ]);
      env.out.write(`${pad([['cell', 'grid', 'status', 'needs', ''], ...rows])}\n`);
      env.out.write(`${plan.extractGroups.length} feature extraction(s) shared by the cells\n`);
      return 0;
    }
    // Plugins the base config names ("plugins": [...], which every cell runs with) must load here
    // too: a bad one fails before any cell starts.
    const plugins = plan.cells[0]?.config['plugins'];
    const registry = await env.registry();
    if (Array.isArray(plugins)) await usePlugins(registry, plugins as string[], plan.cwd);

    const { onEvent, close } = await progressLogger(env, values.quiet === true);
    const common = {
      command: selfCommand(),
      ...(retries !== undefined ? { retries } : {}),
      ...(env.signal ? { signal: env.signal } : {}),
      ...(onEvent ? { onEvent } : {}),
    };
    const record =
      spec.settings.executor === 'slurm'
        ? await sweep.runSlurm(plan, { ...common, ...(values.detach ? { detach: true } : {}) })
        : await sweep.runLocal(plan, { ...common, ...(parallel !== undefined ? { parallel } : {}) });
    await close();
    const n = { done: 0, running: 0, failed: 0, pending: 0 };
    for (const c of record.cells) n[c.status]++;
    env.out.write(
      `\nsweep ${record.name}: ${n.done} of ${record.cells.length} cells done${n.failed ? `, ${n.failed} failed` : ''}${n.running + n.pending ? `, ${n.running + n.pending} queued or running` : ''}\n  ${plan.dir}\n  report ${join(plan.dir, 'sweep.html')}\n`,
    );
    // A detached Slurm sweep has only submitted; otherwise every cell should be done.
    return n.failed > 0 || (!values.detach && n.done < record.cells.length) ? 1 : 0;
  },
};
