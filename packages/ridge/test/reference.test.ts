// Known answers from tools/reference/ridge_reference.py (numpy float64 re-expression of LITcoder's
// NestedCVModel and fold layouts, Huth/himalaya scores), stored in test/fixtures/ridge-reference.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createContext, fromRows } from '@voxelwise/core';
import { createRidgeModel } from '../src/index.js';
import type { RidgeCVOptions } from '../src/index.js';

const ref = JSON.parse(readFileSync(new URL('./fixtures/ridge-reference.json', import.meta.url), 'utf8'));
const X = fromRows(ref.data.X);
const Y = fromRows(ref.data.Y);
const Xt = fromRows(ref.data.Xt);
const Yt = fromRows(ref.data.Yt);

describe('numpy reference: LITcoder nested CV on a random problem', () => {
  for (const c of ref.cases) {
    it(`${c.folds.type} × ${c.folds.n}, score ${c.score}, normalpha ${c.normalpha}`, async () => {
      const options: RidgeCVOptions = {
        alphas: c.alphas,
        normalpha: c.normalpha,
        folds: c.folds,
        score: c.score,
        precision: 'float64',
        backend: 'pure',
      };
      const fitted = await createRidgeModel(options).fit({ X, Y }, createContext());
      const cv = fitted.cvScores;
      c.cv_scores.flat().forEach((s: number, k: number) => expect(cv[k]).toBeCloseTo(s, 11));
      expect(Array.from(fitted.alphas!)).toEqual(c.best_alphas);
      c.W.flat().forEach((w: number, k: number) => expect(fitted.weights!.data[k]).toBeCloseTo(w, 11));
      expect(fitted.info['sMax'] as number).toBeCloseTo(c.s_max, 11);
      const r = await fitted.score(Xt, Yt);
      c.test_r.forEach((x: number, k: number) => expect(r[k]).toBeCloseTo(x, 11));
    });
  }
});
