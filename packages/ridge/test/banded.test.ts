import { describe, expect, it } from 'vitest';
import { createContext, createRegistry, createRng } from '@voxelwise/core';
import type { FeatureBand, FitData, LogEvent, Model, StageContext, VoxelwiseEvent } from '@voxelwise/core';
import { describeModelConformance, expectVoxelwiseError } from '@voxelwise/testing';
import { createBandedRidgeModel, createRidgeModel, dirichletCandidates, ridge } from '../src/index.js';
import type { BandedRidgeModel } from '../src/index.js';
import { planted } from './planted.js';

const ctx = () => createContext({ seed: 5 });

/** A model that fits with fixed bands, so the conformance suite runs the banded path with two bands. */
function withBands(model: BandedRidgeModel, bands: readonly FeatureBand[]): Model {
  return {
    id: model.id,
    fit: (data: FitData, c: StageContext) => model.fit({ ...data, bands }, c),
    crossValidate: (data: FitData, c: StageContext) => model.crossValidate({ ...data, bands }, c),
  };
}

describeModelConformance('banded-ridge-cv (one band, pure backend)', () =>
  createBandedRidgeModel({ backend: 'pure', alphas: [1, 10, 100, 1000], folds: { type: 'group', n: 4 } }),
);
describeModelConformance('banded-ridge-cv (two bands, pure backend, float64)', () =>
  withBands(createBandedRidgeModel({ backend: 'pure', nIter: 6, alphas: [1, 10, 100, 1000], precision: 'float64' }), [
    { name: 'a', start: 0, end: 9 },
    { name: 'b', start: 9, end: 12 },
  ]),
);

describeModelConformance(
  'banded-ridge-cv (two bands, onnx backend, float32)',
  () =>
    withBands(createBandedRidgeModel({ backend: 'onnx', threads: 1, nIter: 4, alphas: [1, 10, 100, 1000] }), [
      { name: 'a', start: 0, end: 8 },
      { name: 'b', start: 8, end: 12 },
    ]),
  { groups: false },
);

const prob = planted(120, 40, 10, 8, { seed: 3, noise: 1.2 });
const bands: FeatureBand[] = [
  { name: 'lm', start: 0, end: 7 },
  { name: 'rate', start: 7, end: 10 },
];

describe('banded-ridge-cv stage', () => {
  it('is registered beside ridge-cv and validates its options, naming the option', async () => {
    const registry = createRegistry().use(ridge());
    expect(registry.names('model')).toContain('banded-ridge-cv');
    const model = (await registry.create('model', { name: 'banded-ridge-cv', options: { nIter: 7 } }, ctx())) as BandedRidgeModel;
    expect(model.options.nIter).toBe(7);
    expect(model.options.concentration).toEqual([0.1, 1]);
    const bad = async (options: Record<string, unknown>, pattern: RegExp) =>
      expectVoxelwiseError(() => registry.create('model', { name: 'banded-ridge-cv', options }, ctx()), 'E_OPTIONS_INVALID', pattern);
    await bad({ nIter: 0 }, /option "nIter"/);
    await bad({ concentration: -1 }, /option "concentration"/);
    await bad({ concentration: [] }, /option "concentration"/);
    await bad({ gammas: [[0.5, 0.6]] }, /option "gammas.0".*simplex/);
    await bad({ gammas: [[0.5, 0.5], [1]] }, /option "gammas.1".*one entry per band/);
    await bad({ gammas: [[1.5, -0.5]] }, /option "gammas.0.1"/);
    await bad({ normalpha: true }, /normalpha/);
  });

  it('rejects explicit candidates with the wrong number of bands at fit time (E_OPTIONS_INVALID naming gammas)', async () => {
    const m = createBandedRidgeModel({ backend: 'pure', gammas: [[0.2, 0.3, 0.5]] });
    await expectVoxelwiseError(
      () => m.fit({ X: prob.X, Y: prob.Y, bands }, ctx()),
      'E_OPTIONS_INVALID',
      /option "gammas": row 0 has 3 entries but the fit has 2 bands/,
    );
  });

  it('rejects bands that are not contiguous or do not cover X (naming the band)', async () => {
    const m = createBandedRidgeModel({ backend: 'pure', nIter: 2 });
    const fit = (b: FeatureBand[]) => m.fit({ X: prob.X, Y: prob.Y, bands: b }, ctx());
    await expectVoxelwiseError(
      () =>
        fit([
          { name: 'a', start: 0, end: 5 },
          { name: 'b', start: 6, end: 10 },
        ]),
      'E_DATA_INVALID',
      /band 1 \("b"\).*start at column 5/,
    );
    await expectVoxelwiseError(
      () =>
        fit([
          { name: 'a', start: 0, end: 5 },
          { name: 'a', start: 5, end: 10 },
        ]),
      'E_DATA_INVALID',
      /repeats a band name/,
    );
    await expectVoxelwiseError(() => fit([{ name: 'a', start: 0, end: 5 }]), 'E_SHAPE_MISMATCH', /cover columns 0–5 but X has 10/);
  });

  it('with one band equals ridge-cv on the same folds (himalaya alpha α = Huth a² without normalpha)', async () => {
    const alphas = [1, 10, 100, 1000];
    const banded = await createBandedRidgeModel({ backend: 'pure', alphas, precision: 'float64' }).fit({ X: prob.X, Y: prob.Y }, ctx());
    const plain = await createRidgeModel({ backend: 'pure', alphas: alphas.map(Math.sqrt), normalpha: false, precision: 'float64' }).fit(
      { X: prob.X, Y: prob.Y },
      ctx(),
    );
    expect(banded.bands.names).toEqual(['all']);
    expect(Array.from(banded.alphas!)).toEqual(Array.from(plain.alphas!, (a) => alphas[[1, 10, 100, 1000].map(Math.sqrt).indexOf(a)]));
    const Wb = banded.weights!.data;
    const Wp = plain.weights!.data;
    Wp.forEach((w, i) => expect(Math.abs(Wb[i]! - w)).toBeLessThan(1e-10 * (1 + Math.abs(w))));
  });

  it('cross-validates as ridge-cv does (nested, outer folds by group); with one band the same numbers', async () => {
    const alphas = [1, 10, 100, 1000];
    const groups = Int32Array.from({ length: prob.X.rows }, (_, i) => Math.floor(i / 30));
    const data = { X: prob.X, Y: prob.Y, groups };
    const banded = await createBandedRidgeModel({ backend: 'pure', alphas, precision: 'float64', nFolds: 3 }).crossValidate(data, ctx());
    const plain = await createRidgeModel({
      backend: 'pure',
      alphas: alphas.map(Math.sqrt),
      normalpha: false,
      precision: 'float64',
      nFolds: 3,
    }).crossValidate!(data, ctx());
    expect(banded.folds).toHaveLength(4);
    expect(banded.info['alphaConvention']).toBe('sklearn');
    plain.voxels.r.forEach((r, j) => expect(Math.abs(banded.voxels.r[j]! - r)).toBeLessThan(1e-10));
    const two = await createBandedRidgeModel({ backend: 'pure', alphas, nIter: 3, nFolds: 3 }).crossValidate({ ...data, bands }, ctx());
    expect(two.voxels.r).toHaveLength(prob.Y.cols);
    expect(two.info['bands']).toEqual(bands);
  });

  it('reports γ, λ_b = α/γ_b and √λ_b per voxel, a sklearn-convention penalty, and split predictions that sum to predict', async () => {
    const f = await createBandedRidgeModel({ backend: 'pure', nIter: 8, alphas: [1, 10, 100], precision: 'float64' }).fit(
      { X: prob.X, Y: prob.Y, bands },
      ctx(),
    );
    const v = prob.Y.cols;
    expect(f.bands.names).toEqual(['lm', 'rate']);
    expect(f.penalty.convention).toBe('sklearn');
    for (let j = 0; j < v; j++) {
      const g0 = f.bands.gammas[2 * j]!;
      const g1 = f.bands.gammas[2 * j + 1]!;
      expect(g0 + g1).toBeCloseTo(1, 12);
      expect(f.penalty.lambdas[j]).toBe(f.alphas![j]);
      expect(f.bands.lambdas[2 * j]).toBeCloseTo(f.alphas![j]! / g0, 8);
      expect(f.bands.huthAlphas[2 * j + 1]).toBeCloseTo(Math.sqrt(f.alphas![j]! / g1), 8);
      expect(f.validation.best[j]).toBe(f.candidateScores[f.candidateIndex[j]! * v + j]);
    }
    const parts = await f.predictSplit(prob.Xt);
    const joint = await f.predict(prob.Xt);
    expect(parts).toHaveLength(2);
    joint.data.forEach((x, k) => expect(Math.abs(parts[0]!.data[k]! + parts[1]!.data[k]! - x)).toBeLessThan(1e-10 * (1 + Math.abs(x))));
  });

  it('keeps, per voxel, the candidate with the best CV score (an earlier candidate wins a tie)', async () => {
    // Candidate 1 repeats candidate 0: equal scores, so every voxel keeps candidate 0 or a strictly better one.
    const gammas = [
      [0.5, 0.5],
      [0.5, 0.5],
      [0.9, 0.1],
      [0.1, 0.9],
    ];
    const f = await createBandedRidgeModel({ backend: 'pure', gammas, alphas: [1, 10, 100], precision: 'float64' }).fit(
      { X: prob.X, Y: prob.Y, bands },
      ctx(),
    );
    const v = prob.Y.cols;
    for (let j = 0; j < v; j++) {
      const scores = gammas.map((_, c) => f.candidateScores[c * v + j]!);
      expect(scores[1]).toBe(scores[0]);
      const bestScore = Math.max(...scores);
      expect(f.candidateIndex[j]).toBe(scores.indexOf(bestScore));
    }
  });

  it('with alphaMode single shares one alpha per candidate (himalaya local_alpha=False)', async () => {
    const f = await createBandedRidgeModel({ backend: 'pure', nIter: 5, alphas: [1, 10, 100, 1000], alphaMode: 'single' }).fit(
      { X: prob.X, Y: prob.Y, bands },
      ctx(),
    );
    const byCandidate = new Map<number, Set<number>>();
    f.candidateIndex.forEach((c, j) => byCandidate.set(c, (byCandidate.get(c) ?? new Set()).add(f.alphas![j]!)));
    for (const alphas of byCandidate.values()) expect(alphas.size).toBe(1);
  });

  it('gives the same numbers whatever the voxel batch (and with weights spilled to disk)', async () => {
    const opts = { backend: 'pure' as const, nIter: 4, alphas: [1, 10, 100], precision: 'float64' as const };
    const a = await createBandedRidgeModel(opts).fit({ X: prob.X, Y: prob.Y, bands }, ctx());
    const b = await createBandedRidgeModel({ ...opts, voxelBatch: 3 }).fit({ X: prob.X, Y: prob.Y, bands }, ctx());
    const c = await createBandedRidgeModel({ ...opts, voxelBatch: 2, memoryBudget: 1 }).fit({ X: prob.X, Y: prob.Y, bands }, ctx());
    for (const other of [b, c]) {
      expect(Array.from(other.candidateIndex)).toEqual(Array.from(a.candidateIndex));
      expect(Array.from(other.alphas!)).toEqual(Array.from(a.alphas!));
      const Wa = a.weights!.data;
      other.weights!.data.forEach((w, i) => expect(Math.abs(w - Wa[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(Wa[i]!))));
    }
    c.dispose();
  });

  it('warns through an event when most predictable voxels chose an edge of the alpha grid', async () => {
    const events: VoxelwiseEvent[] = [];
    const c = createContext({ seed: 5, emit: (e) => events.push(e) });
    await createBandedRidgeModel({ backend: 'pure', nIter: 3, alphas: [1e5, 1e6] }).fit({ X: prob.X, Y: prob.Y, bands }, c);
    const warn = events.filter((e): e is LogEvent => e.type === 'log' && e.level === 'warn');
    expect(warn.map((e) => e.message).join('\n')).toMatch(/chose the smallest alpha of the grid/);
  });

  it('draws its candidates from the run seed: same seed, same candidates', async () => {
    const fit = (seed: number) =>
      createBandedRidgeModel({ backend: 'pure', nIter: 5, alphas: [10] }).fit({ X: prob.X, Y: prob.Y, bands }, createContext({ seed }));
    const [a, b, c] = await Promise.all([fit(1), fit(1), fit(2)]);
    expect(Array.from(a.candidates)).toEqual(Array.from(b.candidates));
    expect(Array.from(a.candidates)).not.toEqual(Array.from(c.candidates));
  });
});

describe('dirichletCandidates (himalaya generate_dirichlet_samples)', () => {
  it('starts uniform, stays on the simplex, and cycles through the concentrations', () => {
    const n = 400;
    const k = 3;
    const g = dirichletCandidates(n, k, [0.1, 1, 100], createRng(9));
    expect(Array.from(g.subarray(0, k))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    for (let i = 0; i < n; i++) {
      const row = Array.from(g.subarray(i * k, (i + 1) * k));
      for (const x of row) expect(x).toBeGreaterThanOrEqual(0);
      expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    }
    // Spread by concentration: Var(γ_b) = (1/k)(1 − 1/k)/(kc + 1) for a symmetric Dirichlet(c).
    const variance = (phase: number) => {
      const xs: number[] = [];
      for (let i = 3 + phase; i < n; i += 3) xs.push(g[i * k]!);
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
    };
    const expected = (c: number) => ((1 / k) * (1 - 1 / k)) / (k * c + 1);
    // Rows 3, 6, … use concentration 0.1; 4, 7, … 1; 5, 8, … 100. Sampling error of ~130 draws: within ×1.6.
    [0.1, 1, 100].forEach((c, phase) => {
      expect(variance(phase) / expected(c)).toBeGreaterThan(1 / 1.6);
      expect(variance(phase) / expected(c)).toBeLessThan(1.6);
    });
  });

  it('never produces NaN for tiny concentrations (draws kept in logs)', () => {
    const g = dirichletCandidates(50, 4, 0.001, createRng(1));
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
  });
});
