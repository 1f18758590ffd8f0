import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry, demoConfig, plantedSummary, train } from '../src/index.js';

describe('demo run', () => {
  it('recovers the planted voxels and writes a run directory', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'vw-demo-'));
    const result = await train(demoConfig({ outDir }), { registry: createDefaultRegistry() });
    const summary = plantedSummary(result.evaluation.voxels.r, result.assemblyMetadata);
    expect(summary).not.toBeNull();
    const nTest = result.metrics['n_test_trs'] as number;
    // Under the null a voxel's test r has sd ≈ 1/√n; noise voxels must stay inside ±4 sd and
    // the weakest planted voxel (SNR ≥ 0.3 → population r ≥ 0.28) must clear the noise band.
    const band = 4 / Math.sqrt(nTest);
    for (const r of summary!.noise) expect(Math.abs(r)).toBeLessThan(band);
    expect(summary!.medianPlanted).toBeGreaterThan(summary!.medianNoise + 2 * band);
    expect(Math.min(...summary!.planted)).toBeGreaterThan(band);
    const files = readdirSync(result.runDir).sort();
    expect(files).toEqual(expect.arrayContaining(['config.json', 'metrics.json', 'events.jsonl']));
    const metrics = JSON.parse(readFileSync(join(result.runDir, 'metrics.json'), 'utf8'));
    expect(metrics.median_score).toBeCloseTo(result.metrics['median_score'] as number, 12);
    // No temp directories are left behind.
    expect(readdirSync(outDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
