import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readScores, resolveConfig, train } from '@voxelwise/trainer';
import { createDefaultRegistry, demoConfig, prepareDemo } from '../src/index.js';
import { repoRoot } from './temp-project.js';
import { printRun } from '../src/summary.js';
import type { RunResult } from '@voxelwise/trainer';

// What `voxelwise demo` runs (word rate as a second space), smaller to keep the suite fast.
describe('demo with two feature spaces', () => {
  it('fits banded ridge on lm + word rate, gives the planted LM signal to lm, and sets scores against the ceiling', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vw-demo-spaces-'));
    const cacheDir = join(root, 'cache');
    const prepared = await prepareDemo({ cacheDir });
    const config = demoConfig({
      modelDir: prepared.modelDir,
      outDir: join(root, 'results'),
      cacheDir,
      voxels: 60,
      stories: 4,
      duration: 200,
      wordRate: true,
    });
    expect(config.model?.name).toBe('banded-ridge-cv');
    const result = await train(config, { registry: await createDefaultRegistry() });
    const x = (await readScores(join(result.runDir, 'scores.arrow'))).extra!;
    const truth = result.assemblyMetadata['groundTruth'] as { planted: number[] };
    const planted = truth.planted.flatMap((p, v) => (p ? [v] : []));
    const mean = (key: string) => planted.reduce((s, v) => s + x[key]![v]!, 0) / planted.length;
    // The simulated voxels respond to the LM layer only: on them, most explained variance is lm's.
    expect(mean('r2_unique_lm')).toBeGreaterThan(mean('r2_unique_wordrate'));
    expect(mean('r2_split_lm')).toBeGreaterThan(mean('r2_split_wordrate'));
    expect((result.metrics['partition'] as { spaces: string[] }).spaces).toEqual(['lm', 'wordrate']);
    expect((result.metrics['noise_ceiling'] as { n_repeats: number }).n_repeats).toBe(4);
    expect(result.reportPath).toBe(join(result.runDir, 'report.html'));
  }, 300_000);
});

describe('README "Several feature spaces"', () => {
  it('its two-space configuration is valid as written (config keys, stage names and options)', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = /```yaml\n(# two-spaces\.yaml[^\n]*\n[\s\S]*?)```/.exec(readme);
    expect(block, 'README.md has no "# two-spaces.yaml" block').not.toBeNull();
    const config = resolveConfig(parse(block![1]!));
    expect(config.partition).toBe(true);
    const registry = await createDefaultRegistry();
    registry.resolveOptions('model', config.model);
    for (const f of config.features) registry.resolveOptions('extractor', f);
  });
});

describe('the run summary', () => {
  it('prints the noise ceiling and the partition means when the run has them', () => {
    let text = '';
    const metrics = {
      median_score: 0.2,
      noise_ceiling: { n_repeats: 4, median_cc_max: 0.47, median_r_normalised: 0.86 },
      partition: {
        spaces: ['lm', 'wordrate'],
        r2_fit_lm: { mean: 0.1 },
        r2_unique_lm: { mean: 0.072 },
        'r2_shared_lm+wordrate': { mean: 0.07 },
      },
    };
    const result = {
      runId: 'x',
      runDir: '/r',
      metrics,
      evaluation: { metrics: {}, voxels: { r: new Float64Array(0) } },
      assemblyMetadata: {},
      durationMs: 1,
    };
    printRun({ write: (s: string) => (text += s) }, result as unknown as RunResult);
    expect(text).toContain('noise ceiling (4 repeats): median CCmax 0.470   median r / CCmax 0.860');
    expect(text).toContain('partition (mean test R²): unique lm 0.072   shared lm+wordrate 0.070');
  });
});
