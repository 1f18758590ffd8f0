import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScores } from '../src/arrow-io.js';
import { train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

const VOXELS = 800;

/** Smallest c with P(Binomial(n, q) ≤ c) ≥ level. */
function binomialQuantile(n: number, q: number, level: number): number {
  let logPmf = n * Math.log1p(-q);
  let cdf = Math.exp(logPmf);
  let c = 0;
  while (cdf < level && c < n) {
    logPmf += Math.log((n - c) / (c + 1)) + Math.log(q / (1 - q));
    c++;
    cdf += Math.exp(logPmf);
  }
  return c;
}

describe('nested CV on a null subject', () => {
  // No planted voxel and white noise: every voxel is a true null, so a valid p-value is below
  // 0.05 for a Binomial(800, ≤ 0.05) count of voxels. Fisher-combined folds gave about twice that.
  it('p < 0.05 for no more voxels than the binomial 0.999 quantile allows', async () => {
    const r = await train(
      {
        outDir: mkdtempSync(join(tmpdir(), 'vw-null-')),
        assembly: {
          name: 'simulated',
          options: { seed: 4, stories: 4, duration: 300, voxels: VOXELS, plantedFraction: 0, ar1: 0, testRepeats: 1 },
        },
        features: [{ name: 'wordrate' }],
        trimming: 'story',
        split: { mode: 'nested-cv' },
        model: { name: 'ridge-cv', options: { backend: 'pure', alphas: [1, 100, 1e4, 1e6] } },
      },
      { registry: testRegistry() },
    );
    const { p } = await readScores(join(r.runDir, 'scores.arrow'));
    const below = Array.from(p!).filter((x) => x < 0.05).length;
    expect(below).toBeLessThanOrEqual(binomialQuantile(VOXELS, 0.05, 0.999));
    expect(r.metrics['n_significant']).toBeLessThanOrEqual(binomialQuantile(VOXELS, 0.05 / VOXELS, 0.999));
  }, 60_000);
});
