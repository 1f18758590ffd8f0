import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

const options = {
  'base-url': { type: 'string', value: '<url>', description: 'W&B server (default WANDB_BASE_URL or https://api.wandb.ai)' },
} as const;

type ReadQueue = typeof import('@voxelwise/logger-wandb').readQueue;

async function queuedRuns(path: string, readQueue: ReadQueue): Promise<string[]> {
  if (await readQueue(path)) return [path];
  const out: string[] = [];
  let names: string[] = [];
  try {
    names = await readdir(path);
  } catch {
    return out;
  }
  for (const name of names) {
    const dir = join(path, name);
    if (name.startsWith('.') || !(await stat(dir)).isDirectory()) continue;
    if (await readQueue(dir)) out.push(dir);
  }
  return out;
}

/** `voxelwise wandb sync`: uploads runs the W&B logger queued on disk. */
export const wandbCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise wandb sync <run-dir | results-dir>... [--base-url <url>]'],
    description: `Uploads runs the W&B logger queued (offline mode, or W&B was unreachable): every
<run-dir>/wandb/pending.json given directly or found one level below a results directory.
The API key comes from WANDB_API_KEY or ~/.netrc.`,
    options,
    examples: [
      'voxelwise wandb sync results/demo-20260101-120000-1a2b3c4d',
      'WANDB_BASE_URL=https://wandb.example.org voxelwise wandb sync results',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('wandb', options, args);
    const [sub, ...paths] = positionals;
    if (sub !== 'sync') throw usageError(`wandb needs a subcommand: "voxelwise wandb sync <run-dir>"${sub ? ` (got "${sub}")` : ''}`);
    if (paths.length === 0) throw usageError('wandb sync needs at least one run or results directory');
    const { clientOptions, readQueue, resolveSettings, syncRun } = await import('@voxelwise/logger-wandb');
    const settings = resolveSettings(values['base-url'] ? { baseUrl: values['base-url'] } : {});
    const client = clientOptions(settings, { timeoutMs: 30_000, retries: 3 });
    if (!client)
      throw usageError(`no W&B API key: set WANDB_API_KEY or add ${new URL(settings.baseUrl).host} to ~/.netrc`, 'E_CONFIG_INVALID');
    const dirs = (await Promise.all(paths.map((p) => queuedRuns(resolve(p), readQueue)))).flat();
    if (dirs.length === 0) {
      env.out.write('nothing queued\n');
      return 0;
    }
    let failed = 0;
    for (const dir of dirs) {
      try {
        env.out.write(`synced ${dir} → ${await syncRun(dir, client)}\n`);
      } catch (error) {
        failed++;
        env.err.write(`error: ${dir}: ${(error as Error).message}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  },
};
