import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, inspectReport, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

const chromium = findChromium();
// CI installs Debian's chromium (.ci/run), so there the test must run; elsewhere it needs one installed.
const mustRun = Boolean(process.env['CI']);

describe('report in headless Chromium', () => {
  it('has Chromium when running in CI', () => {
    if (mustRun) expect(chromium, 'CI must provide /usr/bin/chromium (.ci/run installs it)').toBeDefined();
  });

  it.skipIf(!chromium)('renders every chart with no console error and no network request, and saves a screenshot', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'vw-report-'));
    const result = await train(
      {
        name: 'browser',
        outDir,
        assembly: { name: 'simulated', options: { seed: 3, stories: 4, duration: 200, voxels: 40 } },
        features: [{ name: 'wordrate', options: { mode: 'huth' } }],
        model: { name: 'ridge-cv' },
      },
      { registry: testRegistry() },
    );
    const png = join(result.runDir, 'report.png');
    const seen = await inspectReport(result.reportPath!, { executablePath: chromium!, screenshotPath: png });
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    expect(seen.ready).toBe(true);
    const ids = seen.charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['chart-r-histogram', 'chart-r-sorted', 'chart-alpha', 'chart-ts-0']));
    for (const c of seen.charts) {
      expect(c.width, c.id).toBeGreaterThan(200);
      expect(c.height, c.id).toBeGreaterThan(80);
      expect(c.marks, c.id).toBeGreaterThan(0);
    }
    expect(seen.screenshotPath).toBe(png);
    // The path is printed so a person can look at the picture.
    console.log(`report screenshot: ${png}`);
  });
});
