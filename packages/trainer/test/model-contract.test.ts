import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, defineStage, z } from '@voxelwise/core';
import type { FittedModel, Matrix } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { readRunJson, readScores, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

const out = () => mkdtempSync(join(tmpdir(), 'vw-contract-'));
const sim = { name: 'simulated', options: { seed: 3, stories: 3, duration: 120, voxels: 6, plantedFraction: 0.5 } } as const;

/**
 * A model that reports exactly what its options say through the typed contract (penalty,
 * validation, dispose), so the trainer's reading of each field is checked on its own.
 */
function contractPlugin(log: { disposed: number }) {
  return definePlugin('contract', [
    defineStage({
      kind: 'extractor',
      name: 'layered',
      description: 'word ones scaled by the layer, so a sweep has something to set',
      options: z.object({ layer: z.number().int().default(0) }).strict(),
      create: (o) => ({
        id: 'layered',
        level: 'word' as const,
        extract: async (story) => {
          const n = story.wordTimes.length;
          return { level: 'word' as const, data: { rows: n, cols: 1, data: new Float64Array(n).fill(1 + o.layer) } };
        },
      }),
    }),
    defineStage({
      kind: 'model',
      name: 'contract',
      description: 'zero predictions; reports the penalty and validation it is given',
      options: z
        .object({
          penalty: z.boolean().default(false),
          lambdaCount: z.number().int().optional(),
          validation: z.enum(['none', 'best', 'scores', 'mean']).default('none'),
        })
        .strict(),
      create: (o) => ({
        id: 'contract',
        async fit({ X, Y }): Promise<FittedModel> {
          const v = Y.cols;
          const alphas = Float64Array.from({ length: v }, (_, j) => (j % 2 ? 10 : 1));
          const alphaGrid = Float64Array.of(1, 10);
          const zeros = (rows: number): Matrix => ({ rows, cols: v, data: new Float64Array(rows * v) });
          return {
            alphas,
            weights: { rows: X.cols, cols: v, data: new Float64Array(X.cols * v) },
            info: { note: 'free-form' },
            ...(o.penalty
              ? { penalty: { convention: 'sklearn', description: 'sklearn: lambda = alpha', lambdas: alphas.slice(0, o.lambdaCount ?? v) } }
              : {}),
            ...(o.validation === 'best' ? { validation: { alphaGrid, best: Float64Array.from({ length: v }, (_, j) => j / 10) } } : {}),
            // alphas × voxels: 0.1 at alpha 1, 0.3 at alpha 10, so the chosen alphas average 0.2.
            ...(o.validation === 'scores'
              ? { validation: { alphaGrid, scores: Float64Array.from({ length: 2 * v }, (_, k) => (k < v ? 0.1 : 0.3)) } }
              : {}),
            ...(o.validation === 'mean' ? { validation: { alphaGrid, meanByAlpha: Float64Array.of(0.05, 0.25) } } : {}),
            dispose: () => {
              log.disposed++;
            },
            predict: async (Xt) => zeros(Xt.rows),
            score: async () => new Float64Array(v),
            evaluate: async (Xt) => ({
              metrics: { median_score: 0, mean_score: 0, std_score: 0, min_score: 0, max_score: 0 },
              voxels: { r: Float64Array.from({ length: v }, (_, j) => j / 100) },
              predictions: zeros(Xt.rows),
            }),
          };
        },
      }),
    }),
  ]);
}

const run = (options: Record<string, unknown>, log = { disposed: 0 }, extra: Record<string, unknown> = {}) =>
  train(
    { name: 'contract', outDir: out(), assembly: sim, features: [{ name: 'wordrate' }], model: { name: 'contract', options }, ...extra },
    { registry: testRegistry().use(contractPlugin(log)) },
  );

describe('the trainer reads the typed model contract', () => {
  it('no penalty report: no lambda column and no alpha convention in scores.arrow', async () => {
    const r = await run({});
    const scores = await readScores(join(r.runDir, 'scores.arrow'));
    expect(scores.alpha).toBeDefined();
    expect(scores.lambda).toBeUndefined();
    expect(scores.metadata['alpha_convention']).toBeUndefined();
    const runJson = await readRunJson(r.runDir);
    expect(runJson.model.penalty).toBeUndefined();
    expect(runJson.model.info).toEqual({ note: 'free-form' });
    expect(r.metrics['cv_score']).toBeUndefined();
  });

  it('a penalty report: its lambdas as the lambda column and its own description as the convention', async () => {
    const r = await run({ penalty: true });
    const scores = await readScores(join(r.runDir, 'scores.arrow'));
    expect(scores.lambda).toEqual(scores.alpha);
    expect(scores.metadata['alpha_convention']).toBe('sklearn: lambda = alpha');
    expect((await readRunJson(r.runDir)).model.penalty).toEqual({ convention: 'sklearn', description: 'sklearn: lambda = alpha' });
  });

  it('a penalty for the wrong number of voxels is a shape error', async () => {
    await expectVoxelwiseError(() => run({ penalty: true, lambdaCount: 2 }), 'E_SHAPE_MISMATCH', 'penalty');
  });

  it('cv_score from the validation report: per-voxel best, else scores at the chosen alphas, else the best mean', async () => {
    expect((await run({ validation: 'best' })).metrics['cv_score']).toBeCloseTo((0 + 0.1 + 0.2 + 0.3 + 0.4 + 0.5) / 6, 12);
    const fromScores = await run({ validation: 'scores' });
    expect(fromScores.metrics['cv_score']).toBeCloseTo(0.2, 12);
    expect((await readRunJson(fromScores.runDir)).model.alphaGrid).toEqual([1, 10]);
    expect((await run({ validation: 'mean' })).metrics['cv_score']).toBe(0.25);
  });

  it('disposes each layer of a sweep once its files are written, and leaves a single fit to the caller', async () => {
    const log = { disposed: 0 };
    const sweep = await run({ penalty: true }, log, { features: [{ name: 'layered' }], layers: [0, 1, 2] });
    expect(log.disposed).toBe(3);
    expect(sweep.variants.every((v) => v.fitted === undefined)).toBe(true);
    const scores = await readScores(join(sweep.runDir, 'layers', 'layer-1', 'scores.arrow'));
    expect(scores.metadata['alpha_convention']).toBe('sklearn: lambda = alpha');
    const single = await run({}, log);
    expect(log.disposed).toBe(3);
    await single.variants[0]!.fitted!.dispose!();
    expect(log.disposed).toBe(4);
  });
});
