import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pearson } from '@voxelwise/core';
import { train } from '@voxelwise/trainer';
import { createDefaultRegistry, demoConfig, plantedSummary, prepareDemo } from '../src/index.js';
import { nullBand, rankSeparation, simulatedAr1 } from './helpers/null-band.js';

// The demo's configuration, with fewer voxels and shorter stories to keep the suite fast.
describe('demo run (the real pipeline on the tiny language model)', () => {
  it('recovers the voxels planted on an LM layer and separates them from pure noise', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vw-demo-'));
    const cacheDir = join(root, 'cache');
    const outDir = join(root, 'results');
    const prepared = await prepareDemo({ cacheDir });
    expect(readdirSync(prepared.modelDir).sort()).toEqual(['config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const result = await train(
      { ...demoConfig({ modelDir: prepared.modelDir, outDir, cacheDir, voxels: 80, stories: 4, duration: 220 }) },
      { registry: await createDefaultRegistry() },
    );
    const summary = plantedSummary(result.evaluation.voxels.r, result.assemblyMetadata);
    expect(summary).not.toBeNull();
    const nTest = result.metrics['n_test_trs'] as number;
    // Noise voxels stay inside ±4 null sd (for the simulator's AR(1) noise); planted voxels rank
    // above them far beyond chance.
    const band = nullBand(nTest, simulatedAr1(result.assemblyMetadata));
    for (const r of summary!.noise) expect(Math.abs(r)).toBeLessThan(band);
    const sep = rankSeparation(summary!.planted, summary!.noise);
    expect(sep.auc).toBeGreaterThan(0.5 + 4 * sep.nullSd);
    // The simulator knows each planted voxel's best achievable test r (noiseless signal vs the
    // stored response); the fitted r must track it across voxels and never beat it by more than noise.
    const truth = result.assemblyMetadata['groundTruth'] as { planted: number[]; bestR: number[] };
    const idx = truth.planted.flatMap((p, v) => (p ? [v] : []));
    const fitted = idx.map((v) => result.evaluation.voxels.r[v]!);
    const best = idx.map((v) => truth.bestR[v]!);
    expect(pearson(fitted, best)).toBeGreaterThan(0.8);
    idx.forEach((v, k) => expect(fitted[k]!, `voxel ${v}`).toBeLessThan(best[k]! + band));
    expect(readdirSync(outDir)).toEqual([result.runId]);
    expect(result.reportPath).toBe(join(result.runDir, 'report.html'));
  });
});
