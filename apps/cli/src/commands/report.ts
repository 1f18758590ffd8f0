import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

const options = {
  out: { type: 'string', value: '<file>', description: 'Write the report here instead of <run-dir>/report.html' },
  screenshot: {
    type: 'string',
    value: '[<png>]',
    description:
      'Open the report in headless Chromium, check it rendered without errors,\nand save a full-page PNG (default <run-dir>/report.png)',
  },
} as const;

/** `voxelwise report`: re-renders a run's report.html, optionally checked and screenshotted in headless Chromium. */
export const reportCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise report <run-dir> [--out <file>] [--screenshot [<png>]]'],
    description: `Renders report.html from the files of a run directory (config, metrics, scores.arrow,
timeseries.arrow): one self-contained HTML file with no network access.`,
    options,
    examples: [
      'voxelwise report results/demo-20260101-120000-1a2b3c4d',
      'voxelwise report results/demo-20260101-120000-1a2b3c4d --screenshot',
    ],
  }),
  async run(args, env) {
    const shotIndex = args.indexOf('--screenshot');
    let screenshot: string | undefined;
    let rest = args;
    if (shotIndex >= 0) {
      const next = args[shotIndex + 1];
      const takesValue = next !== undefined && !next.startsWith('-') && next.endsWith('.png');
      screenshot = takesValue ? next : '';
      rest = args.filter((_, i) => i !== shotIndex && !(takesValue && i === shotIndex + 1));
    }
    // --screenshot's value is optional, which parseArgs cannot express: it was taken out above.
    const { values, positionals } = parseOptions('report', options, rest);
    if (positionals.length !== 1) throw usageError('report needs one run directory: voxelwise report <run-dir>');
    const runDir = resolve(positionals[0]!);
    const { inspectReport, writeReport } = await import('@voxelwise/trainer');
    const path = await writeReport(runDir, values.out ? resolve(values.out) : join(runDir, 'report.html'));
    env.out.write(`report ${path}\n`);
    if (screenshot !== undefined) {
      const png = screenshot ? resolve(screenshot) : join(runDir, 'report.png');
      const seen = await inspectReport(path, { screenshotPath: png });
      env.out.write(`screenshot ${png} (${seen.charts.length} charts)\n`);
      const problems = [
        ...seen.errors,
        ...seen.requests.map((r) => `network request: ${r}`),
        ...(seen.ready ? [] : ['the report script did not finish']),
      ];
      for (const p of problems) env.err.write(`error: ${p}\n`);
      return problems.length > 0 ? 1 : 0;
    }
    return 0;
  },
};
