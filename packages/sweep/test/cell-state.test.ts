import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cellStatus, markLost, readCellState } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'vw-sweep-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cell state', () => {
  it('a cell with no run and no state is pending; a run directory of another hash does not finish it', async () => {
    expect((await cellStatus({ dir: join(root, 'none'), hash: 'h' })).status).toBe('pending');
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
