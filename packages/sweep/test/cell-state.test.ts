import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { cellStatus, markLost, readCellState } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'vw-sweep-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cell state', () => {
  it('a cell with no run and no state is pending; a run directory of another hash does not finish it', async () => {
    expect((await cellStatus({ dir: join(root, 'none'), hash: 'h' })).status).toBe('pending');
  });

  it('reads a running attempt whose process is gone from this host as failed, a live one as running', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const [name, pid, status] of [
      ['dead', gone, 'failed'],
      ['live', process.ppid, 'running'],
    ] as const) {
      const cell = { dir: join(root, name), hash: 'h' };
      mkdirSync(cell.dir, { recursive: true });
      writeFileSync(join(cell.dir, 'state.json'), JSON.stringify({ status: 'running', attempt: 1, host: hostname(), pid, startedAt: 't' }));
      expect((await cellStatus(cell)).status, name).toBe(status);
    }
  });

  it('records a lost attempt once per submission: a never-started cell counts one, a killed one keeps its attempt', async () => {
    const cell = { dir: join(root, 'c1'), hash: 'h' };
    await markLost(cell, 'its feature extraction failed', '7_0', '2026-01-01T00:00:00.000Z');
    expect(await readCellState(cell)).toMatchObject({
      status: 'failed',
      attempt: 1,
      jobId: '7_0',
      reason: 'its feature extraction failed',
    });
    // The same submission again: already recorded.
    await markLost(cell, 'again', '7_0', '2026-01-01T00:00:00.000Z');
    expect((await readCellState(cell))?.attempt).toBe(1);
    // A later submission that was lost too is a second attempt.
    await markLost(cell, 'cancelled', '9_0', new Date().toISOString());
    expect(await readCellState(cell)).toMatchObject({ status: 'failed', attempt: 2, jobId: '9_0' });
    expect((await cellStatus(cell)).status).toBe('failed');
    expect(readFileSync(join(cell.dir, 'log.txt'), 'utf8')).toMatch(/attempt lost at .*: cancelled/);
  });
});
