import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('voxelwise runs ls', () => {
  it('reads run.json through the trainer’s schema: a run that does not fit it is listed as unreadable', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vw-cli-runs-'));
    const bad = join(out, 'demo-20260101-000000-deadbeef');
    mkdirSync(bad);
    writeFileSync(join(bad, 'run.json'), JSON.stringify({ runId: 'demo-20260101-000000-deadbeef', status: 'ok' }));
    writeFileSync(join(bad, 'metrics.json'), JSON.stringify({ median_score: 0.5 }));
    const r = await runCli(['runs', 'ls', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ runId: 'demo-20260101-000000-deadbeef', status: 'unreadable' })]);
    rmSync(out, { recursive: true, force: true });
  });
});
