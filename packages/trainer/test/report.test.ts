import { describe, expect, it } from 'vitest';
import { alphaSummary, histogram, rBinEdges } from '../src/report/charts.js';
import { renderReportHtml } from '../src/report/render.js';
import type { ReportData } from '../src/report/load.js';

function data(overrides: Partial<ReportData> = {}): ReportData {
  const n = 50;
  const r = Float64Array.from({ length: n }, (_, i) => (i < 20 ? 0.3 + i / 100 : (i - 35) / 200));
  return {
    runId: 'demo-20260101-000000-abcdef12',
    name: 'demo',
    status: 'ok',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234,
    configHash: 'abc',
    preset: 'litcoder',
    config: { name: 'demo', note: '</script><script>alert(1)</script>' },
    metrics: {
      median_score: 0.1,
      mean_score: 0.12,
      max_score: 0.49,
      n_significant: 20,
      percent_significant: 40,
      n_voxels: n,
      n_train_trs: 400,
      n_test_trs: 100,
      n_features: 16,
    },
    scores: {
      r,
      significant: Uint8Array.from({ length: n }, (_, i) => (i < 20 ? 1 : 0)),
      alpha: Float64Array.from({ length: n }, (_, i) => (i < 20 ? 1e4 : 10)),
    },
    timeseries: {
      voxel: Int32Array.of(19, 19, 19),
      story: ['t', 't', 't'],
      tr: Int32Array.of(10, 11, 12),
      measured: Float32Array.of(1, 2, 3),
      predicted: Float32Array.of(1.5, 2, 2.5),
    },
    alphaGrid: [1, 10, 100, 1000, 1e4],
    split: { mode: 'test-stories', train: ['s'], test: ['t'] },
    assembly: { subject: 'sim-0', tr: 2 },
    model: { name: 'ridge-cv', options: {}, info: {} },
    timings: { design: 12, 'model/ridge-cv': 40 },
    versions: { node: '20' },
    ...overrides,
  };
}

describe('report charts', () => {
  it('bins r symmetrically and counts every finite value once', () => {
    const r = Float64Array.of(-0.2, 0, 0.33, 0.9, Number.NaN);
    const e = rBinEdges(r, 20);
    expect(e.lo).toBe(-e.hi);
    expect(e.hi).toBeGreaterThanOrEqual(0.9);
    expect(histogram(r, e.lo, e.hi, e.nBins).reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('warns when many (significant) voxels chose an edge of the alpha grid', () => {
    const grid = [1, 10, 100];
    // rMVPA#87: the grid stops below the optimum, so voxels pile up at its top.
    const capped = alphaSummary(Float64Array.of(100, 100, 100, 10), grid, Uint8Array.of(1, 1, 0, 1));
    expect(capped.counts).toEqual([0, 1, 3]);
    expect(capped.significantCounts).toEqual([0, 1, 2]);
    expect(capped.warnings).toHaveLength(1);
    expect(capped.warnings[0]).toMatch(/67% of significant voxels chose the largest alpha \(100\)/);
    const low = alphaSummary(Float64Array.of(1, 1, 10, 10, 10), grid);
    expect(low.warnings[0]).toMatch(/40% of voxels chose the smallest alpha/);
    expect(alphaSummary(Float64Array.of(10, 10, 10, 10), grid).warnings).toEqual([]);
  });
});

describe('report html', () => {
  it('is one self-contained file: no external URL, scripts and data inline, dangerous text escaped', () => {
    const html = renderReportHtml(data());
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;/script&gt;');
    for (const id of [
      'headline',
      'correlations',
      'alphas',
      'best-voxels',
      'provenance',
      'chart-r-histogram',
      'chart-r-sorted',
      'chart-alpha',
      'chart-ts-0',
    ])
      expect(html).toContain(`id="${id}"`);
    expect(html).toContain('chose the largest alpha');
  });

  it('adds the per-layer curve for sweeps and the planted summary for simulated subjects', () => {
    const html = renderReportHtml(
      data({
        layers: [
          { layer: 0, median_score: 0.05, mean_score: 0.06 },
          { layer: 1, median_score: 0.2, mean_score: 0.18 },
          { layer: 2, median_score: 0.15, mean_score: 0.16 },
        ],
        selectedLayer: 1,
        planted: Uint8Array.from({ length: 50 }, (_, i) => (i < 20 ? 1 : 0)),
      }),
    );
    expect(html).toContain('id="chart-layers"');
    expect(html).toMatch(/<tr class="selected"><td>1<\/td>/);
    expect(html).toContain('id="planted-summary"');
    expect(renderReportHtml(data())).not.toContain('id="chart-layers"');
  });
});
