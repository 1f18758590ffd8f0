import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

const options = {
  out: { type: 'string', value: '<dir>', description: 'Results folder (default results, from the current folder)' },
  json: { type: 'boolean', description: 'Print JSON' },
  'dry-run': { type: 'boolean', description: 'clean: list what would be removed, remove nothing' },
} as const;

type RunLeftover = import('@voxelwise/trainer').RunLeftover;

/** Why a leftover is kept, in words. */
function keptReason(l: RunLeftover): string {
  const owner = l.owner ? `pid ${l.owner.pid} on ${l.owner.host}` : '';
  switch (l.state) {
    case 'active':
      return `its run (${owner}) is still running`;
    case 'foreign':
      return `written by ${owner}, another host: check there, remove it by hand when that run is gone`;
    case 'unknown':
      return 'no owner recorded (an older version): remove it by hand if no run is writing it';
    default:
      return 'could not be removed';
  }
}

/** `voxelwise runs clean`: removes what killed runs left in the results folder. */
async function clean(outDir: string, dryRun: boolean, json: boolean, out: { write(s: string): unknown }): Promise<number> {
  const { cleanRuns } = await import('@voxelwise/trainer');
  const { removed, kept } = await cleanRuns(outDir, { dryRun });
  if (json) {
    out.write(`${JSON.stringify({ dryRun, removed, kept }, null, 2)}\n`);
    return 0;
  }
  if (removed.length === 0 && kept.length === 0) {
    out.write(`nothing to clean in ${outDir}\n`);
    return 0;
  }
  for (const l of removed) out.write(`${dryRun ? 'would remove' : 'removed'} ${l.path} (${l.kind}; pid ${l.owner?.pid ?? '?'} is gone)\n`);
  for (const l of kept) out.write(`kept ${l.path} (${l.kind}): ${keptReason(l)}\n`);
  return 0;
}

/** `voxelwise runs ls`: the run directories under results/ with their headline numbers. */
export const runsCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise runs ls [--out <dir>] [--json]', 'voxelwise runs clean [--out <dir>] [--dry-run] [--json]'],
    description: `ls lists the runs under results/ (or --out), newest first: run id, subject, median/mean/max
test r, significant voxels, voxels, run time. Each run's run.json is read through the trainer's
schema; a run directory that does not fit it is listed as unreadable.

clean removes what killed runs (a second Ctrl-C, SIGKILL, a power loss) left in the results
folder: temporary run folders (.tmp-<run-id>-…) and run-id locks (.<run-id>.lock) whose owner
process ran on this host and is gone. Those of a live run, of another host (a shared file
system) or without a recorded owner are kept and reported. Every run does the same on start.`,
    options,
    examples: [
      'voxelwise runs ls',
      'voxelwise runs ls --out sweeps --json',
      'voxelwise runs clean --dry-run',
      'voxelwise runs clean --out sweeps',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('runs', options, args);
    const [sub, ...rest] = positionals;
    if (sub !== 'ls' && sub !== 'list' && sub !== 'clean')
      throw usageError(`runs needs a subcommand: "voxelwise runs ls" or "voxelwise runs clean"${sub ? ` (got "${sub}")` : ''}`);
    if (rest.length > 0) throw usageError(`runs ${sub} takes no arguments (got "${rest.join(' ')}"); use --out <dir>`);
    if (sub === 'clean') return clean(values.out ?? 'results', values['dry-run'] === true, values.json === true, env.out);
    if (values['dry-run']) throw usageError('runs ls does not take --dry-run (it removes nothing); see "voxelwise runs clean"');
    const [{ listRuns }, { fmt }] = await Promise.all([import('@voxelwise/trainer'), import('../summary.js')]);
    // Sweeps (voxelwise sweep) keep their cells' runs in <sweep>/cells/<id>/runs: listed with the rest.
    const sweeps = await sweepRuns(values.out ?? 'results');
    const runs = [...(await listRuns(values.out ?? 'results')), ...sweeps.flatMap((s) => s.runs)];
    if (values.json) {
      env.out.write(
        `${JSON.stringify(
          runs.map((r) => ({
            runId: r.runId,
            dir: r.dir,
            name: r.name,
            status: r.status,
            startedAt: r.startedAt,
            durationMs: r.durationMs,
            subject: r.subject,
            configHash: r.configHash,
            median_score: r.metrics['median_score'],
            mean_score: r.metrics['mean_score'],
            max_score: r.metrics['max_score'],
            n_significant: r.metrics['n_significant'],
            n_voxels: r.metrics['n_voxels'],
            selected_layer: r.metrics['selected_layer'],
          })),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (runs.length === 0) {
      env.out.write(`no runs under ${values.out ?? 'results'}\n`);
      return 0;
    }
    const rows = runs.map((r) => [
      r.runId,
      r.subject ?? '–',
      fmt(r.metrics['median_score'], 3),
      fmt(r.metrics['mean_score'], 3),
      fmt(r.metrics['max_score'], 3),
      fmt(r.metrics['n_significant']),
      fmt(r.metrics['n_voxels']),
      r.metrics['selected_layer'] === undefined ? '' : `layer ${fmt(r.metrics['selected_layer'])}`,
      Number.isFinite(r.durationMs) ? `${(r.durationMs / 1000).toFixed(1)} s` : r.status,
    ]);
    const head = ['run', 'subject', 'median r', 'mean r', 'max r', 'signif.', 'voxels', 'sweep', 'time'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    env.out.write(`${line(head)}\n${rows.map(line).join('\n')}\n`);
    for (const s of sweeps) env.out.write(`sweep ${s.name} (${s.dir}): ${s.counts}; "voxelwise sweep status ${s.dir}"\n`);
    return 0;
  },
};

/**
 * The sweeps in `outDir` (a sweep directory itself, or folders holding `sweep.json`) with the
 * finished runs of their cells and a one-line count of the cells' states.
 */
async function sweepRuns(
  outDir: string,
): Promise<Array<{ name: string; dir: string; counts: string; runs: import('@voxelwise/trainer').RunSummary[] }>> {
  const [{ existsSync, readdirSync }, { join }] = await Promise.all([import('node:fs'), import('node:path')]);
  const dirs = existsSync(join(outDir, 'sweep.json'))
    ? [outDir]
    : (existsSync(outDir) ? readdirSync(outDir) : [])
        .filter((n) => !n.startsWith('.') && existsSync(join(outDir, n, 'sweep.json')))
        .map((n) => join(outDir, n));
  if (dirs.length === 0) return [];
  const { collectRecord, loadPlan } = await import('@voxelwise/sweep');
  const { listRuns } = await import('@voxelwise/trainer');
  const out = [];
  for (const dir of dirs) {
    try {
      const { plan } = await loadPlan(dir);
      const record = await collectRecord(plan);
      const n = { done: 0, running: 0, failed: 0, pending: 0 };
      for (const c of record.cells) n[c.status]++;
      const runs = [];
      for (const cell of plan.cells) runs.push(...(await listRuns(join(cell.dir, 'runs'))));
      out.push({
        name: record.name,
        dir,
        counts: `${record.cells.length} cells, ${n.done} done, ${n.running} running, ${n.failed} failed, ${n.pending} pending`,
        runs,
      });
    } catch {
      out.push({ name: '?', dir, counts: 'unreadable sweep.json', runs: [] });
    }
  }
  return out;
}
