import { describe, expect, it } from 'vitest';
import { createContext, createRegistry, memoryAssembly, memoryStory } from '@voxelwise/core';
import type { FeatureExtractor, Story } from '@voxelwise/core';
import { downsamplers } from '@voxelwise/downsample';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { resolveConfig } from '../src/config.js';
import { DesignBuilder, planSplit } from '../src/pipeline.js';

const N_TR = [40, 46, 80];
const NAMES = ['a', 'b', 'test'];
const V = 3;

/** TR-level features with a known formula, so expected designs can be computed independently. */
const feature = (s: number, k: number, j: number) => Math.sin(0.3 * k + s) * (j + 1) + (j === 1 ? k % 5 : 0);
const response = (s: number, i: number, v: number) => Math.cos(0.2 * i * (v + 1) + s) + 0.1 * v * i;

function assembly(trim = { start: 10, end: 5 }) {
  const stories = NAMES.map((name, s) => {
    const n = N_TR[s]!;
    const rows = n - trim.start - trim.end;
    const data = new Float32Array(rows * V);
    for (let i = 0; i < rows; i++) for (let v = 0; v < V; v++) data[i * V + v] = response(s, i, v);
    return memoryStory({
      name,
      words: { text: ['w'], onset: Float64Array.of(5), offset: Float64Array.of(5.3) },
      trTimes: Float64Array.from({ length: n }, (_, k) => 2 * k - 9),
      trim,
      responses: { rows, cols: V, data },
    });
  });
  return memoryAssembly({ subject: 'toy', tr: 2, nVoxels: V }, stories, ['test']);
}

const trExtractor = (rows?: (s: Story) => number): FeatureExtractor => ({
  id: 'toy',
  level: 'tr',
  extract: async (story) => {
    const s = NAMES.indexOf(story.name);
    const n = rows ? rows(story) : story.trTimes.length;
    const data = new Float64Array(n * 2);
    for (let k = 0; k < n; k++) for (let j = 0; j < 2; j++) data[k * 2 + j] = feature(s, k, j);
    return { level: 'tr', data: { rows: n, cols: 2, data }, columns: ['c0', 'c1'] };
  },
});

// Reference formulas written out independently of the implementation.
function delayed(rows: number[][], delays: number[]): number[][] {
  return rows.map((_, t) => delays.flatMap((d) => (t - d >= 0 && t - d < rows.length ? rows[t - d]! : rows[0]!.map(() => 0))));
}
function zs(rows: number[][]): number[][] {
  const n = rows.length;
  const c = rows[0]!.length;
  const out = rows.map((r) => [...r]);
  for (let j = 0; j < c; j++) {
    const m = rows.reduce((a, r) => a + r[j]!, 0) / n;
    const sd = Math.sqrt(rows.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / n);
    for (let i = 0; i < n; i++) out[i]![j] = sd === 0 ? 0 : (rows[i]![j]! - m) / sd;
  }
  return out;
}
const featRows = (s: number) => Array.from({ length: N_TR[s]! }, (_, k) => [feature(s, k, 0), feature(s, k, 1)]);
const respRows = (s: number) =>
  Array.from({ length: N_TR[s]! - 15 }, (_, i) => Array.from({ length: V }, (_, v) => Math.fround(response(s, i, v))));
const rowsOf = (m: { rows: number; cols: number; data: ArrayLike<number> }) =>
  Array.from({ length: m.rows }, (_, i) => Array.from({ length: m.cols }, (_, j) => m.data[i * m.cols + j]!));

async function build(preset: 'litcoder' | 'huth', extractor = trExtractor(), extra: Record<string, unknown> = {}) {
  const config = resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'toy' }], preset, delays: [1, 2], ...extra });
  const asm = assembly();
  const ctx = createContext({});
  const downsampler = await createRegistry().use(downsamplers()).create('downsampler', { name: 'rect' }, ctx);
  const plan = planSplit(config, asm);
  if (plan.mode !== 'test-stories') throw new Error('unexpected split');
  return new DesignBuilder(config, asm).trainTest(plan, { extractors: [extractor], downsampler }, ctx);
}

describe('design matrices', () => {
  it('litcoder order: per story delays → trim → z-score, then stack; responses z-scored per story', async () => {
    const d = await build('litcoder');
    const expectX = [0, 1].flatMap((s) => zs(delayed(featRows(s), [1, 2]).slice(10, -5)));
    const expectY = [0, 1].flatMap((s) => zs(respRows(s)));
    expect(d.Xtrain.rows).toBe(expectX.length);
    rowsOf(d.Xtrain).forEach((r, i) => r.forEach((x, j) => expect(x).toBeCloseTo(expectX[i]![j]!, 10)));
    rowsOf(d.Ytrain).forEach((r, i) => r.forEach((y, j) => expect(y).toBeCloseTo(expectY[i]![j]!, 5)));
    expect(Array.from(d.groups.slice(0, 2))).toEqual([0, 0]);
    expect(d.groups[d.groups.length - 1]).toBe(1);
    expect(d.columns).toEqual(['toy:c0@1', 'toy:c1@1', 'toy:c0@2', 'toy:c1@2']);
    expect(d.testRows.tr[0]).toBe(10);
    expect(d.testRows.story.every((s) => s === 'test')).toBe(true);
    // Delays per story: the first kept row of story b sees story b's own earlier TRs, never story a's.
    const firstB = expectX[N_TR[0]! - 15]!;
    expect(rowsOf(d.Xtrain)[N_TR[0]! - 15]![0]).toBeCloseTo(firstB[0]!, 10);
  });

  it('huth order: per story trim → z-score, stack, then delays across the stack; responses as stored', async () => {
    const d = await build('huth');
    const stacked = [0, 1].flatMap((s) => zs(featRows(s).slice(10, -5)));
    const expectX = delayed(stacked, [1, 2]);
    rowsOf(d.Xtrain).forEach((r, i) => r.forEach((x, j) => expect(x).toBeCloseTo(expectX[i]![j]!, 10)));
    // The first row of story b carries story a's last row at delay 1: delays cross story boundaries.
    const b0 = N_TR[0]! - 15;
    expect(rowsOf(d.Xtrain)[b0]![0]).toBeCloseTo(stacked[b0 - 1]![0]!, 10);
    const expectY = [0, 1].flatMap((s) => respRows(s));
    rowsOf(d.Ytrain).forEach((r, i) => r.forEach((y, j) => expect(y).toBe(expectY[i]![j]!)));
  });

  it('LITcoder LeBel trimming keeps test TRs 50.. on both sides', async () => {
    const d = await build('litcoder', trExtractor(), { trimming: 'litcoder-lebel' });
    expect(d.Xtest.rows).toBe(N_TR[2]! - 55);
    expect(d.testRows.tr[0]).toBe(50);
    const expectY = zs(respRows(2).slice(40));
    rowsOf(d.Ytest).forEach((r, i) => r.forEach((y, j) => expect(y).toBeCloseTo(expectY[i]![j]!, 5)));
  });

  it('warns when kept rows see zero-padded delays at a story onset', async () => {
    const warnings: string[] = [];
    // A bring-your-own subject whose responses cover the whole grid: the default trims keep TR 0.
    const config = resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'toy' }], delays: [1, 2, 3, 4] });
    const asm = assembly({ start: 0, end: 0 });
    const ctx = createContext({ emit: (e) => e.type === 'log' && e.level === 'warn' && warnings.push(e.message) });
    const downsampler = await createRegistry().use(downsamplers()).create('downsampler', { name: 'rect' }, ctx);
    await new DesignBuilder(config, asm).trainTest(
      { train: ['a', 'b'], test: ['test'] },
      { extractors: [trExtractor()], downsampler },
      ctx,
    );
    // Once per role, naming the first story concerned.
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('story "a"');
    expect(warnings[0]).toContain('first 4 rows see zero-padded delays');
    expect(warnings[1]).toContain('story "test"');
  });

  it('fails when the trims leave no rows of a story', async () => {
    await expectVoxelwiseError(
      () =>
        build('litcoder', trExtractor(), { trimming: { trainFeatures: { start: 50, end: -5 }, trainTargets: { start: 40, end: null } } }),
      'E_ALIGNMENT',
      'story "a"',
      'no rows',
    );
  });

  it('fails with E_ALIGNMENT naming the story when an extractor gives the wrong number of TR rows', async () => {
    await expectVoxelwiseError(
      () =>
        build(
          'litcoder',
          trExtractor((s) => (s.name === 'b' ? s.trTimes.length - 1 : s.trTimes.length)),
        ),
      'E_ALIGNMENT',
      'story "b"',
      'toy',
    );
  });

  it('plans splits and names unknown stories', async () => {
    const asm = assembly();
    expect(planSplit(resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'toy' }] }), asm)).toEqual({
      mode: 'test-stories',
      train: ['a', 'b'],
      test: ['test'],
    });
    expect(planSplit(resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'toy' }], split: { mode: 'nested-cv' } }), asm)).toEqual({
      mode: 'nested-cv',
      stories: NAMES,
    });
    await expectVoxelwiseError(
      () => planSplit(resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'toy' }], split: { testStories: ['nope'] } }), asm),
      'E_CONFIG_INVALID',
      'story "nope"',
    );
    await expectVoxelwiseError(
      () => planSplit(resolveConfig({ assembly: { name: 'x' }, features: [{ name: 'toy' }], split: { testStories: NAMES } }), asm),
      'E_CONFIG_INVALID',
      'no training story',
    );
  });
});
