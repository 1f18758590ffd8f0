import { describe, expect, it } from 'vitest';
import { layerCurves, renderSweepHtml, summaryTable } from '../src/index.js';
import type { CellRecord, SweepJson } from '../src/index.js';

const keys = ['subject', 'features.0.options.layer'];

function cell(
  i: number,
  subject: string,
  layer: number,
  cv: number | undefined,
  median: number,
  status: CellRecord['status'] = 'done',
): CellRecord {
  return {
    id: `c${i}`,
    index: i,
    values: { subject, 'features.0.options.layer': layer },
    label: `subject=${subject} features.0.options.layer=${layer}`,
    hash: `h${i}`,
    extractGroup: 0,
    status,
    attempts: 1,
    subject,
    ...(status === 'done'
      ? { metrics: { median_score: median, ...(cv === undefined ? {} : { cv_score: cv }) }, durationMs: 1000, runDir: `/r/${i}` }
      : {}),
  };
}

// S1: the best test r is layer 2, the best CV score layer 1 — the CV score must win.
const cells = [
  cell(0, 'S1', 0, 0.1, 0.1),
  cell(1, 'S1', 1, 0.3, 0.2),
  cell(2, 'S1', 2, 0.2, 0.5),
  cell(3, 'S2', 0, 0.4, 0.1),
  cell(4, 'S2', 1, 0.1, 0.1),
  cell(5, 'S2', 2, undefined, 0, 'failed'),
];

describe('summary', () => {
  it('selects each subject’s layer on the inner-CV score, never on test scores', () => {
    const curves = layerCurves(keys, cells);
    expect(curves.map((c) => [c.label, c.selected])).toEqual([
      ['subject=S1', 1],
      ['subject=S2', 0],
    ]);
    // Failed cells are not points of the curve.
    expect(curves[1]!.points.map((p) => p.layer)).toEqual([0, 1]);
  });

  it('selects nothing on a curve without CV scores', () => {
    const noCv = [cell(0, 'S1', 0, undefined, 0.9), cell(1, 'S1', 1, undefined, 0.1)];
    expect(layerCurves(keys, noCv)[0]!.selected).toBeUndefined();
    expect(layerCurves(['subject'], cells)).toEqual([]);
  });

  it('writes one row per cell with grid values, metrics and the selected layer', () => {
    const rows = summaryTable(keys, cells)
      .toArray()
      .map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());
    expect(rows).toHaveLength(6);
    expect(rows[2]).toMatchObject({
      cell: 'c2',
      subject: 'S1',
      'features.0.options.layer': 2,
      status: 'done',
      median_score: 0.5,
      selected_layer: 1,
      selected: false,
    });
    expect(rows[1]).toMatchObject({ selected_layer: 1, selected: true, duration_s: 1 });
    expect(rows[5]).toMatchObject({
      status: 'failed',
      median_score: null,
      cv_score: null,
      run_dir: null,
      selected_layer: 0,
      selected: false,
    });
  });

  it('renders one offline HTML file: curves, the table, failures with their log, labels escaped', () => {
    const record = {
      kind: 'voxelwise-sweep',
      version: 1,
      name: 'a<b',
      dir: '/s',
      cwd: '/',
      executor: 'local',
      grid: {},
      keys,
      settings: { executor: 'local', retries: 1, shards: 1, slurm: { extract: {}, fit: {}, merge: {}, pollSeconds: 10 } },
      cells,
      extractGroups: [],
      jobs: [],
      createdAt: 't',
      updatedAt: 't',
    } satisfies SweepJson;
    const html = renderSweepHtml(record, [{ cell: cells[5]!, logTail: 'Error: <boom>' }]);
    expect(html).toContain('Sweep a&lt;b');
    expect(html).toContain('selected layer <b>1</b>');
    expect(html).toContain('Error: &lt;boom&gt;');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});
