// Parity with himalaya's BandedRidgeCV (numpy backend, float64), from the fixture that
// tools/reference/banded_ridge.py wrote by running himalaya from its source.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createContext, fromRows, splitCorrelation, splitR2 } from '@voxelwise/core';
import type { FeatureBand } from '@voxelwise/core';
import { createBandedRidgeModel } from '../src/index.js';

interface Case {
  name: string;
  bands: FeatureBand[];
  gammas: number[][];
  alphas: number[];
  score: 'r2' | 'pearson';
  data: { X: number[][]; Y: number[][]; Xt: number[][]; Yt: number[][] };
  chosen_candidate: number[];
  best_alphas: number[];
  cv_scores: number[][];
  coef: number[][];
  test_r: number[];
  split_r2: number[][];
  split_correlation: number[][];
}

const ref = JSON.parse(readFileSync(new URL('./fixtures/banded-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const TOL = 1e-6;

describe('himalaya BandedRidgeCV parity (explicit candidates, same alphas and folds, float64)', () => {
  for (const c of ref.cases) {
    describe(c.name, () => {
      const X = fromRows(c.data.X);
      const Y = fromRows(c.data.Y);
      const Xt = fromRows(c.data.Xt);
      const Yt = fromRows(c.data.Yt);
      const v = Y.cols;
      const fitted = createBandedRidgeModel({
        gammas: c.gammas,
        alphas: c.alphas,
        folds: { type: 'kfold', n: 5 },
        score: c.score,
        precision: 'float64',
        backend: 'pure',
      }).fit({ X, Y, bands: c.bands }, createContext({ seed: 1 }));

      it('chooses the same candidate γ and alpha per voxel', async () => {
        const f = await fitted;
        expect(Array.from(f.candidateIndex)).toEqual(c.chosen_candidate);
        f.alphas!.forEach((a, j) => expect(Math.abs(a - c.best_alphas[j]!) / c.best_alphas[j]!).toBeLessThan(TOL));
        const k = c.bands.length;
        for (let j = 0; j < v; j++) {
          for (let b = 0; b < k; b++) {
            expect(f.bands.gammas[j * k + b]).toBe(c.gammas[c.chosen_candidate[j]!]![b]);
            expect(f.bands.lambdas[j * k + b]).toBeCloseTo(f.alphas![j]! / f.bands.gammas[j * k + b]!, 9);
          }
        }
      });

      it('has the same CV score per candidate and voxel', async () => {
        const f = await fitted;
        c.cv_scores.forEach((row, ci) => row.forEach((s, j) => expect(Math.abs(f.candidateScores[ci * v + j]! - s)).toBeLessThan(TOL)));
      });

      it('has the same refitted weights and test r', async () => {
        const f = await fitted;
        const W = f.weights!;
        c.coef.forEach((row, i) => row.forEach((w, j) => expect(Math.abs(W.data[i * v + j]! - w)).toBeLessThan(TOL * (1 + Math.abs(w)))));
        const r = await f.score(Xt, Yt);
        c.test_r.forEach((x, j) => expect(Math.abs(r[j]! - x)).toBeLessThan(TOL));
      });

      it('splits the test predictions by band as himalaya does (split R², split correlation)', async () => {
        const f = await fitted;
        const parts = await f.predictSplit(Xt);
        const r2 = splitR2(Yt, parts);
        const corr = splitCorrelation(Yt, parts);
        c.split_r2.forEach((row, b) => row.forEach((x, j) => expect(Math.abs(r2[b]![j]! - x)).toBeLessThan(TOL)));
        c.split_correlation.forEach((row, b) => row.forEach((x, j) => expect(Math.abs(corr[b]![j]! - x)).toBeLessThan(TOL)));
      });
    });
  }
});
