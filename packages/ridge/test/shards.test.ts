import { describe, expect, it } from 'vitest';
import { canShard, createContext, sliceCols } from '@voxelwise/core';
import type { Matrix, ShardDesign, ShardPart } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createRidgeModel } from '../src/index.js';
import type { RidgeCVOptions } from '../src/index.js';
import { planted } from './planted.js';

/** Contiguous, balanced voxel ranges. */
function ranges(v: number, k: number): Array<{ start: number; end: number }> {
  return Array.from({ length: k }, (_, i) => ({ start: Math.floor((i * v) / k), end: Math.floor(((i + 1) * v) / k) }));
}

const bits = (a: ArrayLike<number>) => Array.from(a, (x) => (Object.is(x, -0) ? '-0' : String(x)));

async function shardedAndSingle(options: RidgeCVOptions, shards: number, prob = planted(90, 30, 10, 37, { seed: 4 })) {
  const groups = Int32Array.from({ length: prob.X.rows }, (_, i) => Math.floor(i / 15));
  const ctx = () => createContext({ seed: 11 });
  const single = await createRidgeModel(options).fit({ X: prob.X, Y: prob.Y, groups }, ctx());
  const model = createRidgeModel(options);
  expect(canShard(model)).toBe(true);
  const design: ShardDesign = { X: prob.X, groups, nVoxels: prob.Y.cols };
  // Every phase in a fresh context, as separate processes would run them.
  const shared = await model.shards.prepare(design, ctx());
  const parts: ShardPart[] = [];
  for (const r of ranges(prob.Y.cols, shards)) {
    parts.push(await createRidgeModel(options).shards.fit(shared, design, sliceCols(prob.Y, r.start, r.end) as Matrix, r, ctx()));
  }
  const merged = await createRidgeModel(options).shards.merge(shared, design, parts, ctx());
  return { single, merged, prob, parts, shared, design };
}

describe('sharded ridge fits', () => {
  const cases: Array<[string, RidgeCVOptions]> = [
    ['k-fold, float32, pure', { backend: 'pure', alphas: [0.1, 1, 10, 100, 1e4] }],
    [
      'group folds, float64, tiny batches, weights spilled',
      { backend: 'pure', precision: 'float64', folds: { type: 'group', n: 3 }, voxelBatch: 4 },
    ],
    [
      'bootstrap folds (no partition), onnx',
      { backend: 'onnx', normalpha: false, folds: { type: 'bootstrap', nboots: 4, chunkLength: 5, nchunks: 3 } },
    ],
  ];
  for (const [name, options] of cases) {
    it(`merge equals the single-process fit bit for bit: ${name}`, async () => {
      const { single, merged, prob } = await shardedAndSingle(options, 3);
      expect(bits(merged.weights!.data)).toEqual(bits(single.weights!.data));
      expect(bits(merged.alphas!)).toEqual(bits(single.alphas!));
      expect(bits(merged.penalty!.lambdas)).toEqual(bits(single.penalty!.lambdas));
      expect(bits(merged.validation!.scores!)).toEqual(bits(single.validation!.scores!));
      expect(bits(merged.validation!.meanByAlpha!)).toEqual(bits(single.validation!.meanByAlpha!));
      const [a, b] = [await single.evaluate(prob.Xt, prob.Yt, createContext()), await merged.evaluate(prob.Xt, prob.Yt, createContext())];
      expect(bits(b.voxels.r)).toEqual(bits(a.voxels.r));
      expect(bits(b.voxels.pCorrected!)).toEqual(bits(a.voxels.pCorrected!));
      expect(b.metrics).toEqual(a.metrics);
      single.dispose();
      void merged.dispose?.();
    });
  }

  it('one shard per voxel gives the same model too', async () => {
    const { single, merged } = await shardedAndSingle({ backend: 'pure' }, 7, planted(60, 20, 6, 7, { seed: 2 }));
    expect(bits(merged.weights!.data)).toEqual(bits(single.weights!.data));
  });

  it('refuses one alpha for all voxels, parts that leave a gap, and state prepared for another problem', async () => {
    const prob = planted(60, 20, 6, 9, { seed: 3 });
    const design: ShardDesign = { X: prob.X, nVoxels: 9 };
    await expectVoxelwiseError(
      () => createRidgeModel({ backend: 'pure', alphaMode: 'single' }).shards.prepare(design, createContext()),
      'E_OPTIONS_INVALID',
      /alphaMode.*cannot be split/,
    );
    const { parts, shared } = await shardedAndSingle({ backend: 'pure' }, 3, prob);
    const model = createRidgeModel({ backend: 'pure' });
    await expectVoxelwiseError(
      () => model.shards.merge(shared, design, [parts[0]!, parts[2]!], createContext()),
      'E_DATA_INVALID',
      /voxels 6–8.*start at voxel 3/,
    );
    await expectVoxelwiseError(
      () => model.shards.merge(shared, design, parts.slice(0, 2), createContext()),
      'E_DATA_INVALID',
      /cover voxels 0–5 of 9/,
    );
    await expectVoxelwiseError(
      () => model.shards.merge(shared, { ...design, nVoxels: 10 }, parts, createContext()),
      'E_DATA_INVALID',
      /prepared for another problem/,
    );
  });
});
