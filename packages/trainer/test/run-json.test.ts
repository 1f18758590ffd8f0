import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { listRuns, parseRunJson, readRunJson, readRunSummary } from '../src/index.js';

// run.json exactly as the trainer wrote it before the schema existed (commit 8ecee5f onwards).
const OLD_RUN_JSON = {
  runId: 'e2e-20260101-120000-0123abcd',
  name: 'e2e',
  status: 'ok',
  startedAt: '2026-01-01T12:00:00.000Z',
  durationMs: 5321,
  configHash: '0123abcd'.repeat(8),
  preset: 'litcoder',
  split: { mode: 'test-stories', train: ['story01', 'story02'], test: ['wheretheressmoke'] },
  assembly: { subject: 'sim-5', tr: 2, nVoxels: 24, provenance: { source: 'simulated', options: { seed: 5 } } },
  model: {
    name: 'ridge-cv',
    options: { alphas: [0.1, 1, 10], normalpha: true },
    info: { alphaGrid: [0.1, 1, 10], normalpha: true, sMax: 12.5, lambdas: { type: 'Float64Array', length: 24 } },
  },
  selected: 'main',
  files: { label: 'main', dir: '.', metrics: 'metrics.json', scores: 'scores.arrow', timeseries: 'timeseries.arrow' },
  variants: [],
  timings: { assembly: 12, design: 30, 'model/ridge-cv': 400 },
  versions: { node: '20.19.0', '@voxelwise/trainer': '0.1.0' },
};

function runDir(run: unknown, metrics: unknown = { median_score: 0.2 }): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'vw-runjson-')), OLD_RUN_JSON.runId);
  mkdirSync(dir);
  writeFileSync(join(dir, 'run.json'), JSON.stringify(run));
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify(metrics));
  return dir;
}

describe('run.json: one schema for the writer and every reader', () => {
  it('reads a run.json written before the schema (no alphaGrid or penalty fields)', async () => {
    const dir = runDir(OLD_RUN_JSON);
    const run = await readRunJson(dir);
    expect(run.model.alphaGrid).toBeUndefined();
    expect(run.model.penalty).toBeUndefined();
    expect(run.split).toEqual(OLD_RUN_JSON.split);
    expect(run.files.scores).toBe('scores.arrow');
    const summary = await readRunSummary(dir);
    expect(summary).toMatchObject({ runId: OLD_RUN_JSON.runId, name: 'e2e', status: 'ok', subject: 'sim-5', durationMs: 5321 });
    expect(summary.metrics).toEqual({ median_score: 0.2 });
  });

  it('names the file and the key when run.json does not fit, and listRuns lists such a run as unreadable', async () => {
    const { split: _split, ...noSplit } = OLD_RUN_JSON;
    const dir = runDir({ ...noSplit, durationMs: 'long' });
    await expectVoxelwiseError(() => readRunJson(dir), 'E_FILE_FORMAT', join(dir, 'run.json'), 'key "split"', 'key "durationMs"');
    expect(() => parseRunJson([], 'x/run.json')).toThrow(/x\/run\.json/);
    const listed = await listRuns(join(dir, '..'));
    expect(listed).toEqual([expect.objectContaining({ runId: OLD_RUN_JSON.runId, status: 'unreadable' })]);
  });

  it('reports a missing run.json as E_FILE_NOT_FOUND', async () => {
    await expectVoxelwiseError(() => readRunJson(join(tmpdir(), 'no-such-run-dir')), 'E_FILE_NOT_FOUND', 'run.json');
  });
});
