import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { OWNER_FILE } from '@voxelwise/io';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { importLebel, openLebel, writeAssembly } from '../src/index.js';
import { makeLebel, tmp, words } from './helpers.js';

const story = (name: string) => ({ name, respdict: 60, intervals: words(80), voxels: 3 });

describe('file-system errors during import', () => {
  it('names a source file that cannot be read (a folder in its place) instead of a raw error', async () => {
    const root = await makeLebel([story('alpha')]);
    const grid = join(root, 'derivative', 'TextGrids', 'alpha.TextGrid');
    rmSync(grid);
    mkdirSync(grid);
    const a = await openLebel({ root, subject: 'UTS02' });
    await expectVoxelwiseError(() => a.story('alpha'), 'E_IO', `cannot read TextGrid ${grid}`);
  });

  it('names the target when it cannot be written (read-only file system)', async () => {
    const root = await makeLebel([story('alpha')]);
    await expectVoxelwiseError(
      () => importLebel({ root, subject: 'UTS02' }, '/sys/vw-assembly-test/out.vw'),
      'E_IO',
      '/sys/vw-assembly-test',
    );
  });

  it('leaves no partial target when a source fails half-way', async () => {
    const root = await makeLebel([story('alpha'), story('beta')]);
    const source = await openLebel({ root, subject: 'UTS02' });
    // Damaged after the shapes were checked: the failure comes while the second story streams.
    truncateSync(join(root, 'derivative', 'preprocessed_data', 'UTS02', 'beta.hf5'), 600);
    const parent = tmp();
    await expectVoxelwiseError(() => writeAssembly(source, join(parent, 'out.vw')), 'E_FILE_FORMAT', 'beta.hf5');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('removes the partial folder of a killed import next to the target, and says so', async () => {
    const root = await makeLebel([story('alpha')]);
    const parent = tmp();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const left = join(parent, `.tmp-out.vw-${dead}-0badc0de`);
    mkdirSync(join(left, 'stories'), { recursive: true });
    writeFileSync(join(left, OWNER_FILE), JSON.stringify({ pid: dead, host: hostname(), created: '', target: join(parent, 'out.vw') }));
    const events: VoxelwiseEvent[] = [];
    await importLebel({ root, subject: 'UTS02' }, join(parent, 'out.vw'), { emit: (e) => events.push(e) });
    expect(readdirSync(parent)).toEqual(['out.vw']);
    const logs = events.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.message : ''));
    expect(logs.join('\n')).toContain(`removed ${left}, left by an earlier write`);
  });
});
