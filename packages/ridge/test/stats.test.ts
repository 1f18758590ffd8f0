import { describe, expect, it } from 'vitest';
import { createRng } from '@voxelwise/core';
import {
  benjaminiHochberg,
  blockBootstrapCorrelations,
  blockPermutationPValues,
  blockSums,
  correlationAndR2,
  drawBlocks,
  fisherCombine,
  pearsonPValue,
  pearsonPValues,
  scoreFromSums,
  scoreSummary,
} from '../src/index.js';

/** n × b responses and predictions; column j of P = ρ_j·Y + noise, autocorrelated over time. */
function pair(n: number, b: number, rho: (j: number) => number, seed: number, ar = 0.7) {
  const rng = createRng(seed);
  const Y = new Float64Array(n * b);
  const P = new Float64Array(n * b);
  const ey = new Float64Array(b);
  const ep = new Float64Array(b);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < b; j++) {
      ey[j] = ar * ey[j]! + rng.normal();
      ep[j] = ar * ep[j]! + rng.normal();
      Y[i * b + j] = ey[j]!;
      P[i * b + j] = rho(j) * ey[j]! + ep[j]!;
    }
  }
  return { Y, P };
}

describe('statistics', () => {
  it('Pearson p-values: symmetric, bounded, NaN → 1', () => {
    expect(pearsonPValue(0, 50)).toBeCloseTo(1, 14);
    expect(pearsonPValue(0, 50, 'greater')).toBeCloseTo(0.5, 14);
    expect(pearsonPValue(1, 50)).toBe(0);
    expect(pearsonPValue(-1, 50, 'greater')).toBe(1);
    expect(pearsonPValue(Number.NaN, 50)).toBe(1);
    expect(pearsonPValue(0.3, 2)).toBe(1);
    expect(pearsonPValue(0.3, 100, 'greater') + pearsonPValue(0.3, 100, 'less')).toBeCloseTo(1, 14);
    // scipy: 2·t.sf(0.05·√(8998/(1−0.0025)), 8998) = 2.077598853842988e-06
    expect(pearsonPValue(0.05, 9000) / 2.077598853842988e-6).toBeCloseTo(1, 9);
    const many = pearsonPValues(Float64Array.from([0.1, 0.2]), 30, 'two-sided');
    expect(many[0]).toBeGreaterThan(many[1]!);
  });

  it('BH counts NaN p-values as 1 and is monotone in p', () => {
    const { corrected, reject } = benjaminiHochberg(Float64Array.from([0.001, Number.NaN, 0.02, 0.5]), 0.05);
    expect(corrected[1]).toBe(1);
    expect(corrected[0]!).toBeLessThanOrEqual(corrected[2]!);
    expect(Array.from(reject)).toEqual([1, 0, 1, 0]);
  });

  it('Fisher: all ones give 1, a zero gives 0', () => {
    expect(fisherCombine([1, 1, 1]).p).toBe(1);
    expect(fisherCombine([0, 0.5]).p).toBe(0);
  });

  it('selection scores from sums equal their definitions', () => {
    const n = 40;
    const { Y, P } = pair(n, 1, () => 0.6, 3, 0);
    const Yc = Y.map((y) => y + 5);
    const sums = { n, sp: 0, spp: 0, spy: 0, sy: 0, syy: 0, kp: P[0]!, ky: Yc[0]! };
    for (let i = 0; i < n; i++) {
      const dp = P[i]! - sums.kp;
      const dy = Yc[i]! - sums.ky;
      sums.sp += dp;
      sums.spp += dp * dp;
      sums.spy += dp * dy;
      sums.sy += dy;
      sums.syy += dy * dy;
    }
    const { r, r2 } = correlationAndR2(Yc, P, n, 1);
    expect(scoreFromSums('pearson', sums)).toBeCloseTo(r[0]!, 13);
    expect(scoreFromSums('r2', sums)).toBeCloseTo(r2[0]!, 12);
    expect(scoreFromSums('litcoder', sums)).toBeCloseTo((r[0]! * (n - 1)) / n, 7);
    let mr = 0;
    for (let i = 0; i < n; i++) mr += Yc[i]! - P[i]!;
    mr /= n;
    let vres = 0;
    let my = 0;
    for (let i = 0; i < n; i++) my += Yc[i]!;
    my /= n;
    let vy = 0;
    for (let i = 0; i < n; i++) {
      vres += (Yc[i]! - P[i]! - mr) ** 2;
      vy += (Yc[i]! - my) ** 2;
    }
    const rsq = 1 - vres / vy;
    expect(scoreFromSums('signed-sqrt-r2', sums)).toBeCloseTo(Math.sign(rsq) * Math.sqrt(Math.abs(rsq)), 12);
    const huth = 1 - vres / n / ((1 + vy / n) / 2);
    expect(scoreFromSums('huth', sums)).toBeCloseTo(Math.sign(huth) * Math.sqrt(Math.abs(huth)), 12);
  });

  it('block permutation p-values are calibrated under the null and small under signal', () => {
    const n = 200;
    const b = 300;
    const { Y, P } = pair(n, b, (j) => (j < 50 ? 0.8 : 0), 9);
    const { r } = correlationAndR2(Y, P, n, b);
    const sums = blockSums(Y, P, n, b, 10, false);
    const rng = createRng(4);
    const draws = { y: drawBlocks(rng, 400, 20), p: drawBlocks(rng, 400, 20), count: 400 };
    const p = blockPermutationPValues(sums, r, draws, 'greater');
    const nullP = Array.from(p.slice(50));
    const falsePositive = nullP.filter((x) => x < 0.05).length / nullP.length;
    expect(falsePositive).toBeLessThan(0.1);
    expect(Math.max(...Array.from(p.slice(0, 50)))).toBeLessThan(0.01);
    // The parametric test ignores autocorrelation (AR 0.7) and rejects far more null voxels.
    const para = pearsonPValues(Float64Array.from(r.slice(50)), n, 'greater');
    expect(Array.from(para).filter((x) => x < 0.05).length / para.length).toBeGreaterThan(falsePositive);
  });

  it('paired block bootstrap of correlations brackets the observed median', () => {
    const n = 120;
    const b = 40;
    const { Y, P } = pair(n, b, () => 0.5, 12, 0.3);
    const { r } = correlationAndR2(Y, P, n, b);
    const sums = blockSums(Y, P, n, b, 6, true);
    const draws = drawBlocks(createRng(1), 200, 20);
    const out = new Float32Array(200 * b);
    blockBootstrapCorrelations(sums, draws, 200, out, 0, b);
    const medians = Array.from({ length: 200 }, (_, k) => scoreSummary(out.subarray(k * b, (k + 1) * b))['median_score']!).sort(
      (x, y) => x - y,
    );
    const observed = scoreSummary(r)['median_score']!;
    expect(medians[5]!).toBeLessThan(observed);
    expect(medians[194]!).toBeGreaterThan(observed);
  });

  it('score summaries use LITcoder names and np.std (ddof 0)', () => {
    const s = scoreSummary([1, 2, 3, 4]);
    expect(s).toEqual({ median_score: 2.5, mean_score: 2.5, min_score: 1, max_score: 4, std_score: Math.sqrt(1.25) });
    expect(scoreSummary([1, 3], 'significant')).toEqual({
      median_significant_score: 2,
      mean_significant_score: 2,
      min_significant_score: 1,
      max_significant_score: 3,
    });
  });
});
