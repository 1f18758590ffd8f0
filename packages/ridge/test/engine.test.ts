import { describe, expect, it } from 'vitest';
import { createContext, createRng, matrix } from '@voxelwise/core';
import type { LogEvent, VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createPureBackend, fitRidge, matrixReader, planProducts } from '../src/index.js';
import type { ResponseReader, RidgeSettings } from '../src/index.js';
import { BASELINE_BYTES, PLAN_SHARE, planMemory } from '../src/engine/memory-plan.js';
import { fileWeightStore, memoryWeightStore } from '../src/engine/weight-store.js';
import { planted } from './planted.js';

const base: RidgeSettings = {
  alphas: [0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5],
  normalpha: true,
  singcutoff: 1e-10,
  alphaMode: 'per-voxel',
  folds: { type: 'kfold', n: 4 },
  score: 'pearson',
  solver: 'tridiagonal',
  seriesTolerance: 1e-10,
  memoryBudget: 2 * 1024 ** 3,
  precision: 'float64',
  stage: 'model/ridge-cv',
};
const prob = planted(90, 30, 12, 17, { seed: 4, noise: 2 });
const fit = async (
  over: Partial<RidgeSettings> = {},
  data: { X?: typeof prob.X; Y?: typeof prob.Y | ResponseReader } = {},
  events?: VoxelwiseEvent[],
) =>
  fitRidge(
    { X: data.X ?? prob.X, Y: data.Y ?? prob.Y },
    { ...base, ...over },
    await createPureBackend(),
    createContext({ seed: 3, ...(events ? { emit: (e) => events.push(e) } : {}) }),
  );
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

describe('ridge engine', () => {
  it('results do not depend on the voxel batch size', async () => {
    const whole = await fit();
    for (const voxelBatch of [1, 5, 16]) {
      const batched = await fit({ voxelBatch });
      expect(batched.info['layout']).toMatchObject({ voxelBatch });
      expect(maxDiff(batched.cvScores, whole.cvScores)).toBeLessThan(1e-12);
      expect(Array.from(batched.alphas)).toEqual(Array.from(whole.alphas));
      expect(maxDiff(batched.weights.all(), whole.weights.all())).toBeLessThan(1e-12);
    }
  });

  it('the Neumann shortcut for large alphas gives the exact scores and needs fewer products', async () => {
    const exact = await fit({ seriesTolerance: 0 });
    const series = await fit();
    expect(maxDiff(series.cvScores, exact.cvScores)).toBeLessThan(1e-9);
    expect(Array.from(series.alphas)).toEqual(Array.from(exact.alphas));
    const plans = series.info['foldPlans'] as Array<{ products: number; seriesTerms: number }>;
    expect(plans[0]!.products).toBeLessThan(base.alphas.length);
    expect(plans[0]!.seriesTerms).toBeGreaterThan(0);
  });

  it('plans products: alphas with λ ≫ s_max² share series terms', () => {
    const lambdas = [1e-2, 1, 1e2, 1e4, 1e6, 1e8, 1e10, 1e12, 1e14, 1e16];
    const plan = planProducts(lambdas, 1, 1e-10);
    // Series from λ = 1e4 (μ = 1e-4, 3 terms) or from 1e6 (μ = 1e-6, 2 terms) both cost 6
    // products; the planner keeps the smaller series set on a tie.
    expect(plan.products).toBe(6);
    expect(plan.exact).toEqual([0, 1, 2, 3]);
    expect(plan.series).toEqual([4, 5, 6, 7, 8, 9]);
    expect(plan.terms).toBe(2);
    expect(planProducts(lambdas, 1, 0).products).toBe(10);
  });

  it('the eigen and tridiagonal solvers agree', async () => {
    const a = await fit({ solver: 'tridiagonal' });
    const b = await fit({ solver: 'eigen' });
    expect(maxDiff(a.cvScores, b.cvScores)).toBeLessThan(1e-10);
    expect(maxDiff(a.weights.all(), b.weights.all())).toBeLessThan(1e-10);
    expect(b.info['solver']).toBe('eigen');
  });

  it('the eigen solver drops singular values at or below singcutoff', async () => {
    const small = await fit({ solver: 'eigen', alphas: [1e-6], normalpha: false, singcutoff: 0 });
    const cut = await fit({ solver: 'eigen', alphas: [1e-6], normalpha: false, singcutoff: 1e6 });
    expect(maxDiff(cut.weights.all(), new Float64Array(cut.weights.all().length))).toBe(0);
    expect(maxDiff(small.weights.all(), cut.weights.all())).toBeGreaterThan(0);
  });

  it('auto switches to the eigenbasis for alphas below 1e-5·s_max', async () => {
    const events: VoxelwiseEvent[] = [];
    const r = await fit({ solver: 'auto', alphas: [1e-7, 1] }, {}, events);
    expect(r.info['solver']).toBe('eigen');
    expect(events.some((e) => e.type === 'log' && /eigenbasis/.test(e.message))).toBe(true);
  });

  it('single alpha: one alpha for every voxel, the argmax of the mean score', async () => {
    const r = await fit({ alphaMode: 'single' });
    const first = r.alphas[0]!;
    expect(Array.from(r.alphas).every((a) => a === first)).toBe(true);
    const means = r.info['meanCvScoreByAlpha'] as number[];
    expect(base.alphas[means.indexOf(Math.max(...means))]).toBe(first);
  });

  it('ties go to the larger alpha', async () => {
    // Y does not depend on X at all in a constant voxel: every alpha scores 0.
    const Y = matrix(prob.Y.rows, 2, new Float32Array(prob.Y.rows * 2));
    for (let i = 0; i < Y.rows; i++) Y.data[i * 2] = 1;
    for (let i = 0; i < Y.rows; i++) Y.data[i * 2 + 1] = prob.Y.data[i * prob.Y.cols]!;
    const r = await fit({}, { Y });
    expect(r.alphas[0]).toBe(1e5);
  });

  it("tieBreak 'first': a tie goes to the first alpha of the grid (numpy argmax)", async () => {
    const Y = matrix(prob.Y.rows, 2, new Float32Array(prob.Y.rows * 2));
    for (let i = 0; i < Y.rows; i++) Y.data[i * 2] = 1;
    for (let i = 0; i < Y.rows; i++) Y.data[i * 2 + 1] = prob.Y.data[i * prob.Y.cols]!;
    const r = await fit({ tieBreak: 'first' }, { Y });
    expect(r.alphas[0]).toBe(base.alphas[0]);
  });

  it('warns when chosen alphas sit at the edge of the grid', async () => {
    const events: VoxelwiseEvent[] = [];
    const r = await fit({ alphas: [1e3, 1e4] }, {}, events);
    const warn = events.filter((e): e is LogEvent => e.type === 'log' && e.level === 'warn');
    expect(warn.some((e) => /of the grid/.test(e.message))).toBe(true);
    expect((r.info['edgeWarnings'] as string[]).length).toBe(1);
  });

  it('does not warn about voxels that no alpha predicts', async () => {
    // Pure-noise voxels pick a grid edge by chance; the warning is about predictable voxels only.
    const rng = createRng(11);
    const noise = matrix(
      prob.Y.rows,
      40,
      Float32Array.from({ length: prob.Y.rows * 40 }, () => rng.normal()),
    );
    const events: VoxelwiseEvent[] = [];
    const r = await fit({ alphas: [1e-2, 1, 1e2, 1e4] }, { Y: noise }, events);
    const edges = r.info['alphaEdges'] as {
      low: number;
      high: number;
      predictable: number;
      predictableLow: number;
      predictableHigh: number;
    };
    // Most noise voxels sit at an edge, yet none clears 3/√n in inner CV, so nothing is said.
    expect(edges.low + edges.high).toBeGreaterThan(20);
    expect(edges.predictable).toBe(0);
    expect(r.info['edgeWarnings']).toEqual([]);
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /of the grid/.test(e.message))).toBe(false);
  });

  it('reports the convention: lambda = (alpha·s_max)² with normalpha', async () => {
    const r = await fit();
    const sMax = r.info['sMax'] as number;
    expect(r.lambdas[0]).toBeCloseTo((r.alphas[0]! * sMax) ** 2, 8);
    expect(r.info['convention']).toMatch(/alpha \* s_max/);
    const plain = await fit({ normalpha: false });
    expect(plain.lambdas[0]).toBeCloseTo(plain.alphas[0]! ** 2, 12);
  });

  it('reads responses in voxel blocks from a ResponseReader', async () => {
    const reads: Array<[number, number]> = [];
    const inner = matrixReader(prob.Y);
    const reader: ResponseReader = { rows: inner.rows, cols: inner.cols, read: (a, b) => (reads.push([a, b]), inner.read(a, b)) };
    const streamed = await fit({ voxelBatch: 6 }, { Y: reader });
    const whole = await fit();
    expect(reads).toEqual([
      [0, 6],
      [6, 12],
      [12, 17],
    ]);
    expect(maxDiff(streamed.weights.all(), whole.weights.all())).toBeLessThan(1e-12);
  });

  it('under a tight memory budget: folds in groups and small batches, same result', async () => {
    const whole = await fit({ precision: 'float32' });
    const tight = await fit({ precision: 'float32', memoryBudget: (BASELINE_BYTES + 60_000) / PLAN_SHARE });
    const layout = tight.info['layout'] as { foldGroups: number; voxelBatch: number };
    expect(layout.foldGroups).toBeGreaterThan(1);
    expect(maxDiff(tight.cvScores, whole.cvScores)).toBeLessThan(1e-5);
    expect(maxDiff(tight.weights.all(), whole.weights.all())).toBeLessThan(1e-5);
  });

  it('plans to spill weights when they would not fit beside the rest', () => {
    const shapes = Array.from({ length: 5 }, () => ({ nTest: 1800, nCross: 1800 }));
    const roomy = planMemory({ n: 9000, p: 3072, v: 20484, nAlphas: 10, folds: shapes, budget: 16 * 1024 ** 3 });
    expect(roomy.spillWeights).toBe(false);
    expect(roomy.groups).toEqual([[0, 1, 2, 3, 4]]);
    const whole = planMemory({ n: 9000, p: 3072, v: 95556, nAlphas: 10, folds: shapes, budget: 4e9 });
    expect(whole.spillWeights).toBe(true);
    expect(whole.estimate).toBeLessThan(4e9 * PLAN_SHARE);
    expect(whole.groups).toHaveLength(1);
    expect(whole.overBudget).toBe(false);
  });

  it('spilled weights read back exactly as written', () => {
    const mem = memoryWeightStore(3, 10);
    const file = fileWeightStore(3, 10);
    for (const [v0, b] of [
      [0, 4],
      [4, 6],
    ] as const) {
      const block = Float32Array.from({ length: 3 * b }, (_, k) => v0 * 100 + k);
      mem.write(v0, block);
      file.write(v0, block);
    }
    expect(file.spilled).toBe(true);
    expect(Array.from(file.all())).toEqual(Array.from(mem.all()));
    expect(Array.from(file.read(2, 7))).toEqual(Array.from(mem.read(2, 7)));
    file.dispose();
  });

  it('is reproducible for a seed (shuffled folds)', async () => {
    const a = await fit({ folds: { type: 'chunked', n: 3, chunkLength: 10 } });
    const b = await fit({ folds: { type: 'chunked', n: 3, chunkLength: 10 } });
    expect(Array.from(a.cvScores)).toEqual(Array.from(b.cvScores));
  });

  it('each selection score is accepted', async () => {
    for (const score of ['pearson', 'r2', 'signed-sqrt-r2', 'litcoder', 'huth'] as const) {
      const r = await fit({ score });
      expect(r.info['score']).toBe(score);
      expect(Array.from(r.cvScores).every(Number.isFinite)).toBe(true);
    }
  });

  it('fails with clear errors on bad inputs', async () => {
    await expectVoxelwiseError(() => fit({}, { Y: matrix(10, 3, new Float32Array(30)) }), 'E_SHAPE_MISMATCH', /different numbers of rows/);
    const bad = matrix(prob.X.rows, prob.X.cols, prob.X.data.slice());
    bad.data[5 * prob.X.cols + 2] = Number.NaN;
    await expectVoxelwiseError(() => fit({}, { X: bad }), 'E_NOT_FINITE', /row 5, column 2/);
    const badY = matrix(prob.Y.rows, prob.Y.cols, prob.Y.data.slice());
    badY.data[7 * prob.Y.cols + 9] = Number.POSITIVE_INFINITY;
    await expectVoxelwiseError(() => fit({}, { Y: badY }), 'E_NOT_FINITE', /Y \(responses, voxels 0–16\).*row 7, column 9/);
    await expectVoxelwiseError(() => fit({ alphas: [1, -2] }), 'E_OPTIONS_INVALID', /alphas/);
  });

  it('stops with E_ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectVoxelwiseError(
      async () => fitRidge({ X: prob.X, Y: prob.Y }, base, await createPureBackend(), createContext({ signal: controller.signal })),
      'E_ABORTED',
    );
  });

  it('emits progress events for factorisations and voxels', async () => {
    const events: VoxelwiseEvent[] = [];
    await fit({}, {}, events);
    const units = new Set(events.filter((e) => e.type === 'stage:progress').map((e) => (e as { unit: string }).unit));
    expect([...units].sort()).toEqual(['factorisations', 'voxels']);
  });
});
