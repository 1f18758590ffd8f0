import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, defineStage, matrix, z } from '@voxelwise/core';
import type { Assembly, StageContext, Story } from '@voxelwise/core';
import { readRunJson, readScores, resolveConfig, signedSqrtR2, train } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

const out = () => mkdtempSync(join(tmpdir(), 'vw-records-'));

/**
 * The simulated subject with voxel 0 silent (all 0), voxel 1 constant in story "story01", and
 * voxel 2 reported as zeroed on import in every story (`Story.zeroedVoxels`, as the Arrow assembly does).
 */
function damagedPlugin() {
  return definePlugin('damaged', [
    defineStage({
      kind: 'assembly-source',
      name: 'damaged',
      description: 'the simulated subject with a dead, a constant and a zeroed voxel',
      options: z.object({}).strict(),
      create: (_o, ctx: StageContext) => ({
        id: 'damaged',
        async load(c: StageContext): Promise<Assembly> {
          const source = await ctx.stages!.create('assembly-source', {
            name: 'simulated',
            options: { seed: 5, stories: 4, duration: 160, voxels: 12, plantedFraction: 0.5 },
          });
          const a = await source.load(c);
          const damage = (s: Story): Story => ({
            ...s,
            zeroedVoxels: [2],
            async responses() {
              const m = await s.responses();
              const data = Float32Array.from(m.data);
              for (let i = 0; i < m.rows; i++) {
                data[i * m.cols] = 0;
                if (s.name === 'story01') data[i * m.cols + 1] = 3;
              }
              return { ...matrix(m.rows, m.cols, data), voxelStart: 0 };
            },
          });
          return { ...a, story: async (name: string) => damage(await a.story(name)) };
        },
      }),
    }),
  ]);
}

describe('run records', () => {
  it('lists dead, constant, zeroed and non-finite voxels per voxel in scores.arrow and counts them in metrics and the report', async () => {
    const r = await train(
      { outDir: out(), assembly: { name: 'damaged' }, features: [{ name: 'wordrate' }] },
      { registry: testRegistry().use(damagedPlugin()) },
    );
    const scores = await readScores(join(r.runDir, 'scores.arrow'));
    expect(Array.from(scores.flags!.subarray(0, 4))).toEqual([1, 2, 4, 0]);
    const { readArrowTable } = await import('@voxelwise/io');
    const table = await readArrowTable(join(r.runDir, 'scores.arrow'), 'test');
    expect(Array.from(table.getChild('status')!.toArray() as Iterable<string>).slice(0, 4)).toEqual(['dead', 'constant', 'zeroed', 'ok']);
    const metrics = JSON.parse(readFileSync(join(r.runDir, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ n_dead_voxels: 1, n_constant_voxels: 1, n_zeroed_voxels: 1, n_nonfinite_voxels: 0 });
    const html = readFileSync(join(r.runDir, 'report.html'), 'utf8');
    expect(html).toContain('id="voxel-status"');
    expect(html).toMatch(/1 voxels dead/);
    expect(html).toMatch(/1 voxels with NaN\/Inf responses set to 0 on import/);
  });

  it('records the plugins a run loaded in config.json and run.json', async () => {
    const plugins = [{ specifier: './my-plugin.mjs', resolvedPath: '/abs/my-plugin.mjs', sha256: 'a'.repeat(64) }];
    const r = await train(
      {
        outDir: out(),
        assembly: { name: 'simulated', options: { seed: 1, stories: 3, duration: 120, voxels: 6 } },
        features: [{ name: 'wordrate' }],
      },
      { registry: testRegistry(), plugins },
    );
    expect(JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')).plugins).toEqual(plugins);
    expect((await readRunJson(r.runDir)).plugins).toEqual(plugins);
  });

  it("the report's wording follows the run's sidedness and FDR level (default one-sided)", async () => {
    const run = (model?: Record<string, unknown>) =>
      train(
        {
          outDir: out(),
          assembly: { name: 'simulated', options: { seed: 1, stories: 3, duration: 120, voxels: 6 } },
          features: [{ name: 'wordrate' }],
          ...(model ? { model: { name: 'ridge-cv', options: model } } : {}),
        },
        { registry: testRegistry() },
      ).then((r) => readFileSync(join(r.runDir, 'report.html'), 'utf8'));
    const plain = await run();
    expect(plain).toContain('one-sided p (r &gt; 0)');
    expect(plain).not.toContain('two-sided');
    expect(plain).toContain('FDR at q = 0.05');
    const two = await run({ alternative: 'two-sided', fdr: 0.1 });
    expect(two).toContain('two-sided p');
    expect(two).toContain('FDR at q = 0.1');
  });

  it("metric signed-sqrt-r2 reports Huth's score per voxel beside r", async () => {
    const r = await train(
      {
        outDir: out(),
        assembly: { name: 'simulated', options: { seed: 1, stories: 3, duration: 120, voxels: 6 } },
        features: [{ name: 'wordrate' }],
        metric: 'signed-sqrt-r2',
      },
      { registry: testRegistry() },
    );
    const scores = await readScores(join(r.runDir, 'scores.arrow'));
    expect(scores.signedSqrtR2).toHaveLength(6);
    expect(r.metrics['reported_metric']).toBe('signed-sqrt-r2');
    expect(typeof r.metrics['median_signed_sqrt_r2']).toBe('number');
  });

  it('signedSqrtR2 is sign(R²)·√|R²| with R² = 1 − var(y − ŷ)/var(y), 0 for a constant response', () => {
    // y = [1, 2, 3, 4]; ŷ = y + 1 (var of the residual 0: R² = 1); ŷ = 0 (R² = 0); ŷ = −y (var(2y) = 4 var(y): R² = −3).
    const y = [1, 2, 3, 4];
    const Y = matrix(4, 4, Float32Array.from(y.flatMap((v) => [v, v, v, 5])));
    const P = matrix(4, 4, Float32Array.from(y.flatMap((v) => [v + 1, 0, -v, 1])));
    const s = signedSqrtR2(Y, P);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(0, 12);
    expect(s[2]).toBeCloseTo(-Math.sqrt(3), 12);
    expect(s[3]).toBe(0);
  });
});

describe('compat', () => {
  const base = { assembly: { name: 'simulated' }, features: [{ name: 'wordrate' }] };

  it('litcoder: inner-CV score, two-sided p, first-maximum ties, LeBel trimming, rect resampling', () => {
    const c = resolveConfig({ ...base, compat: 'litcoder' });
    expect(c.preset).toBe('litcoder');
    expect(c.trimming).toBe('litcoder-lebel');
    expect(c.downsampler).toEqual({ name: 'rect' });
    expect(c.metric).toBeUndefined();
    expect(c.model).toEqual({
      name: 'ridge-cv',
      options: { score: 'litcoder', alternative: 'two-sided', tieBreak: 'first', combine: 'fisher' },
    });
  });

  it("huth: the huth preset's model, first-maximum ties, each story's trim, Lanczos, signed √R² reported", () => {
    const c = resolveConfig({ ...base, compat: 'huth' });
    expect(c.preset).toBe('huth');
    expect(c.trimming).toBe('story');
    expect(c.downsampler).toEqual({ name: 'lanczos', options: { window: 3, cutoffMult: 1 } });
    expect(c.metric).toBe('signed-sqrt-r2');
    expect(c.model.options).toMatchObject({ score: 'huth', tieBreak: 'first', normalpha: false, folds: { type: 'bootstrap' } });
  });

  it('keys written in the config win over compat', () => {
    const c = resolveConfig({
      ...base,
      compat: 'litcoder',
      trimming: 'story',
      downsampler: { name: 'lanczos' },
      model: { name: 'ridge-cv', options: { alternative: 'greater', alphas: [1, 10] } },
    });
    expect(c.trimming).toBe('story');
    expect(c.downsampler).toEqual({ name: 'lanczos' });
    expect(c.model.options).toEqual({ alternative: 'greater', alphas: [1, 10], score: 'litcoder', tieBreak: 'first', combine: 'fisher' });
    // Another model gets none of ridge-cv's options.
    expect(resolveConfig({ ...base, compat: 'huth', model: { name: 'other' } }).model).toEqual({ name: 'other' });
  });

  it('a compat run passes its settings to the stages and records them', async () => {
    // Explicit trimming wins (the simulated stories are too short for LITcoder's LeBel trims).
    const r = await train(
      {
        outDir: out(),
        assembly: { name: 'simulated', options: { seed: 1, stories: 3, duration: 120, voxels: 6 } },
        features: [{ name: 'wordrate' }],
        compat: 'litcoder',
        trimming: 'story',
      },
      { registry: testRegistry() },
    );
    const run = await readRunJson(r.runDir);
    expect(run.compat).toBe('litcoder');
    expect(run.model.options).toMatchObject({ score: 'litcoder', alternative: 'two-sided', tieBreak: 'first' });
    expect(r.metrics['alternative']).toBe('two-sided');
    expect(JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')).downsampler).toEqual({ name: 'rect' });
    expect(readFileSync(join(r.runDir, 'report.html'), 'utf8')).toContain('two-sided p');
  });

  it('without compat nothing changes (same defaults, same config hash inputs)', () => {
    const c = resolveConfig(base);
    expect(c.compat).toBeUndefined();
    expect(c.metric).toBeUndefined();
    expect(c.model).toEqual({ name: 'ridge-cv' });
  });
});
