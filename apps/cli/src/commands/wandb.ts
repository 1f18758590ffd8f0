import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

const options = {
  'base-url': {
    type: 'string',
    value: '<url>',
    description: 'W&B server for every run (default: the server each run was queued for,\nelse WANDB_BASE_URL, else https://api.wandb.ai)',
  },
} as const;

type ReadQueue = typeof import('@voxelwise/logger-wandb').readQueue;
type ClientOptions = import('@voxelwise/logger-wandb').ClientOptions;

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
Each run goes to the W&B server it was queued for (the logger's baseUrl). The API key comes
from WANDB_API_KEY or the ~/.netrc entry of that server's host.`,
    options,
    examples: [
      'voxelwise wandb sync results/demo-20260101-120000-1a2b3c4d',
      'voxelwise wandb sync results --base-url https://wandb.example.org',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('wandb', options, args);
    const [sub, ...paths] = positionals;
    if (sub !== 'sync') throw usageError(`wandb needs a subcommand: "voxelwise wandb sync <run-dir>"${sub ? ` (got "${sub}")` : ''}`);
    if (paths.length === 0) throw usageError('wandb sync needs at least one run or results directory');
    const { queuedRunClient, readQueue, syncRun } = await import('@voxelwise/logger-wandb');
    const dirs = (await Promise.all(paths.map((p) => queuedRuns(resolve(p), readQueue)))).flat();
    if (dirs.length === 0) {
      env.out.write('nothing queued\n');
      return 0;
    }
    // Each run goes to the server recorded with its queue (a self-hosted W&B stays self-hosted);
    // --base-url overrides only when given. Every key is found before anything is sent.
    const request = { baseUrl: values['base-url'], timeoutMs: 30_000, retries: 3 };
    const targets = new Map<string, ClientOptions>();
    const missing = new Set<string>();
    for (const dir of dirs) {
      const run = await readQueue(dir);
      if (!run) continue;
      const target = queuedRunClient(run, request);
      if (target.client) targets.set(dir, target.client);
      else missing.add(new URL(target.baseUrl).host);
    }
    if (missing.size > 0)
      throw usageError(
        `no W&B API key for ${[...missing].join(', ')}: set WANDB_API_KEY or add ${[...missing].map((h) => `"machine ${h}"`).join(' and ')} to ~/.netrc`,
        'E_CONFIG_INVALID',
      );
    let failed = 0;
    for (const [dir, client] of targets) {
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
