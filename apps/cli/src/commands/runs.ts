import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

const options = {
  out: { type: 'string', value: '<dir>', description: 'Results folder (default results, from the current folder)' },
  json: { type: 'boolean', description: 'Print JSON' },
} as const;

/** `voxelwise runs ls`: the run directories under results/ with their headline numbers. */
export const runsCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise runs ls [--out <dir>] [--json]'],
    description: `Lists the runs under results/ (or --out), newest first: run id, subject, median/mean/max test r,
significant voxels, voxels, run time. Each run's run.json is read through the trainer's schema;
a run directory that does not fit it is listed as unreadable.`,
    options,
    examples: ['voxelwise runs ls', 'voxelwise runs ls --out sweeps --json'],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('runs', options, args);
    const [sub, ...rest] = positionals;
    if (sub !== 'ls' && sub !== 'list') throw usageError(`runs needs a subcommand: "voxelwise runs ls"${sub ? ` (got "${sub}")` : ''}`);
    if (rest.length > 0) throw usageError(`runs ls takes no arguments (got "${rest.join(' ')}"); use --out <dir>`);
    const [{ listRuns }, { fmt }] = await Promise.all([import('@voxelwise/trainer'), import('../summary.js')]);
    const runs = await listRuns(values.out ?? 'results');
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
    return 0;
  },
};
