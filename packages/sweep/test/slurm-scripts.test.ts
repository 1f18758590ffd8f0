import { describe, expect, it } from 'vitest';
import { batchScript, cellSteps, resourceFlags, shellQuote } from '../src/index.js';

describe('Slurm batch scripts', () => {
  it('maps every resource to its sbatch flag', () => {
    expect(
      resourceFlags({
        partition: 'gpu',
        account: 'lab',
        cpusPerTask: 8,
        mem: '32G',
        time: '02:00:00',
        gres: 'gpu:1',
        extra: ['--qos=short'],
      }),
    ).toEqual(['--partition=gpu', '--account=lab', '--cpus-per-task=8', '--mem=32G', '--time=02:00:00', '--gres=gpu:1', '--qos=short']);
    expect(resourceFlags({})).toEqual([]);
  });

  it('quotes words for bash', () => {
    expect(shellQuote('/a/b-c_d.ts')).toBe('/a/b-c_d.ts');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });

  it('writes #SBATCH lines, cd to the sweep folder and exec of the command', () => {
    const text = batchScript({
      jobName: 'vw-x-fit',
      output: '/s/slurm/logs/fit-%A_%a.out',
      array: '--array=0-5%2',
      resources: { mem: '1G' },
      cwd: '/my project',
      command: ['/usr/bin/node', '/opt/voxelwise.js'],
      prelude: ['cell=$(sed -n "1p" /s/list)'],
      args: ['sweep', 'task', 'fit', '--cell', '"$cell"'],
    });
    expect(text.split('\n')).toEqual([
      '#!/bin/bash',
      '#SBATCH --job-name=vw-x-fit',
      '#SBATCH --output=/s/slurm/logs/fit-%A_%a.out',
      '#SBATCH --array=0-5%2',
      '#SBATCH --mem=1G',
      '# Written by voxelwise sweep.',
      'set -euo pipefail',
      "cd '/my project'",
      'cell=$(sed -n "1p" /s/list)',
      'exec /usr/bin/node /opt/voxelwise.js sweep task fit --cell "$cell"',
      '',
    ]);
  });

  it('runs a cell as one train, or sharded as shard plan, one fit per shard, then merge', () => {
    expect(cellSteps({ dir: '/s/cells/abc' })).toEqual([['train', '--config', '/s/cells/abc/config.json', '--quiet']]);
    expect(cellSteps({ dir: '/s/cells/abc' }, 3)).toEqual([
      ['shard', 'plan', '/s/cells/abc/config.json', '--shards', '3', '--dir', '/s/cells/abc/shards', '--quiet'],
      ['shard', 'fit', '--dir', '/s/cells/abc/shards', '--index', '0', '--quiet'],
      ['shard', 'fit', '--dir', '/s/cells/abc/shards', '--index', '1', '--quiet'],
      ['shard', 'fit', '--dir', '/s/cells/abc/shards', '--index', '2', '--quiet'],
      ['shard', 'merge', '--dir', '/s/cells/abc/shards', '--quiet'],
    ]);
  });
});
