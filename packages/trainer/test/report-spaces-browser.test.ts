import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '@voxelwise/core';
import { assemblies } from '@voxelwise/assembly';
import { basicFeatures } from '@voxelwise/features-basic';
import { downsamplers } from '@voxelwise/downsample';
import { findChromium, inspectReport, train } from '../src/index.js';
import { fakeBanded } from './helpers/fake-banded.js';

const chromium = findChromium();

describe('report of several feature spaces', () => {
  it('shows split-score histograms, γ bars, the partition and the ceiling scatter (headless Chromium when present)', async () => {
    const registry = createRegistry()
      .use(assemblies())
      .use(basicFeatures())
      .use(downsamplers())
      .use(fakeBanded({ bands: [], columns: [] }));
    const result = await train(
      {
        name: 'spaces-report',
        outDir: mkdtempSync(join(tmpdir(), 'vw-spaces-report-')),
        assembly: { name: 'simulated', options: { seed: 4, stories: 3, duration: 240, voxels: 40, testRepeats: 6 } },
        features: [
          { name: 'wordrate', options: { mode: 'huth' } },
          { name: 'wordrate', options: { mode: 'litcoder' } },
        ],
        model: { name: 'banded-ridge-cv' },
        partition: true,
      },
      { registry },
    );
    const html = readFileSync(result.reportPath!, 'utf8');
    for (const id of [
      'bands',
      'partition',
      'noise-ceiling',
      'chart-band-0',
      'chart-band-1',
      'chart-gamma',
      'chart-partition',
      'chart-ceiling',
    ])
      expect(html, id).toContain(`id="${id}"`);
    expect(html).toContain('r2_shared_wordrate-0+wordrate-1');
    if (!chromium) return;
    const seen = await inspectReport(result.reportPath!, { executablePath: chromium, screenshotPath: join(result.runDir, 'report.png') });
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    const charts = new Map(seen.charts.map((c) => [c.id, c]));
    for (const id of ['chart-band-0', 'chart-band-1', 'chart-gamma', 'chart-partition', 'chart-ceiling']) {
      const c = charts.get(id);
      expect(c, id).toBeDefined();
      expect(c!.width, id).toBeGreaterThan(200);
      expect(c!.height, id).toBeGreaterThan(80);
      expect(c!.marks, id).toBeGreaterThan(0);
    }
    console.log(`report screenshot: ${join(result.runDir, 'report.png')}`);
  }, 180_000);
});
