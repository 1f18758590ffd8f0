import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, defineStage, z } from '@voxelwise/core';
import type { StageContext, Story, VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { listRuns, readRunJson, readScores, readTimeseries, readWeights, resolveConfig, train, writeReport } from '../src/index.js';
import { testRegistry } from './helpers/registry.js';

const out = () => mkdtempSync(join(tmpdir(), 'vw-train-'));
const sim = { name: 'simulated', options: { seed: 5, stories: 4, duration: 160, voxels: 24, plantedFraction: 0.5 } } as const;
const base = (outDir: string) => ({ name: 'e2e', outDir, assembly: sim, features: [{ name: 'wordrate', options: { mode: 'huth' } }] });

/** A word-level extractor (ones per word, like Huth's word rate) that records what it was given. */
function probePlugin(seen: { refresh: boolean[]; calls: number }) {
  return definePlugin('probe', [
    defineStage({
      kind: 'extractor',
      name: 'probe',
      description: 'ones per word; can fail or abort on a story',
      options: z
        .object({ failOn: z.string().optional(), typeError: z.boolean().default(false), abort: z.custom<AbortController>().optional() })
        .strict(),
      create: (o) => ({
        id: 'probe',
        level: 'word' as const,
        async extract(story: Story, ctx: StageContext) {
          seen.calls++;
          seen.refresh.push(Boolean(ctx.refresh));
          if (story.name === o.failOn) {
            if (o.abort) o.abort.abort();
            else if (o.typeError) throw new TypeError('boom in probe');
          }
          const n = story.wordTimes.length;
          return { level: 'word' as const, data: { rows: n, cols: 1, data: new Float64Array(n).fill(1) }, columns: ['ones'] };
        },
      }),
    }),
  ]);
}

describe('train: the run directory', () => {
  it('writes config+hash, LITcoder metrics, scores/weights/series as Arrow, timings, versions, events and the report', async () => {
    const dir = out();
    const r = await train(base(dir), { registry: testRegistry() });
    const files = readdirSync(r.runDir).sort();
    expect(files).toEqual([
      'assembly.json',
      'config.json',
      'events.jsonl',
      'metrics.json',
      'report.html',
      'run.json',
      'scores.arrow',
      'timeseries.arrow',
      'weights.arrow',
    ]);
    expect(readdirSync(dir)).toEqual([r.runId]);
    expect(r.runId).toMatch(new RegExp(`^e2e-\\d{8}-\\d{6}-${r.configHash.slice(0, 8)}$`));

    const config = JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8'));
    expect(config.configHash).toBe(r.configHash);
    expect(config.downsampler).toEqual({ name: 'lanczos', options: { window: 3, cutoffMult: 1 } });

    const metrics = JSON.parse(readFileSync(join(r.runDir, 'metrics.json'), 'utf8'));
    for (const key of ['median_score', 'mean_score', 'std_score', 'min_score', 'max_score']) expect(typeof metrics[key]).toBe('number');
    expect(metrics.median_score).toBe(r.metrics['median_score']);
    expect(metrics.n_voxels).toBe(24);
    expect(metrics.test_stories).toEqual(['wheretheressmoke']);

    const scores = await readScores(join(r.runDir, 'scores.arrow'));
    expect(scores.r).toEqual(r.evaluation.voxels.r);
    const fitted = r.variants[0]!.fitted!;
    expect(scores.alpha).toEqual(fitted.alphas);
    // λ and the convention are ridge-cv's own penalty report, read through the typed contract.
    expect(scores.lambda).toEqual(fitted.penalty!.lambdas);
    expect(scores.metadata['alpha_convention']).toBe(fitted.penalty!.description);
    const w = await readWeights(join(r.runDir, 'weights.arrow'));
    const expected = fitted.weights!;
    expect(w.weights.rows).toBe(expected.rows);
    expect(w.weights.cols).toBe(expected.cols);
    expect(Array.from(w.weights.data)).toEqual(Array.from(expected.data, (x) => Math.fround(x)));
    expect(JSON.parse(w.metadata['columns']!)).toEqual([1, 2, 3, 4].map((d) => `${r.variants[0]!.columns[0]!.split('@')[0]}@${d}`));
    expect(r.variants[0]!.columns[0]).toMatch(/^wordrate.*:wordrate@1$/);

    const ts = await readTimeseries(join(r.runDir, 'timeseries.arrow'));
    const best = new Set(ts.voxel);
    expect(best.size).toBe(6);
    const top = [...scores.r].sort((a, b) => b - a)[0]!;
    expect(scores.r[ts.voxel[0]!]).toBe(top);

    const run = JSON.parse(readFileSync(join(r.runDir, 'run.json'), 'utf8'));
    expect(run.status).toBe('ok');
    expect(Object.keys(run.timings)).toEqual(expect.arrayContaining(['assembly', 'design', 'model/ridge-cv', 'evaluate']));
    expect(run.versions.node).toBe(process.versions.node);
    expect(run.versions['@voxelwise/trainer']).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.model.options.alphas.length).toBeGreaterThan(1);
    // The file the writer produced fits the schema every reader uses.
    const typed = await readRunJson(r.runDir);
    expect(typed.files).toMatchObject({ label: 'main', scores: 'scores.arrow', weights: 'weights.arrow' });
    expect(typed.model.alphaGrid).toEqual(Array.from(fitted.validation!.alphaGrid));
    expect(typed.model.penalty).toEqual({ convention: 'huth', description: fitted.penalty!.description });

    const events = readFileSync(join(r.runDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0].type).toBe('run:start');
    expect(events.at(-1)).toMatchObject({ type: 'run:end', status: 'ok', runDir: r.runDir });
    expect(events.at(-1).summary.histograms['r/all'].counts.reduce((a: number, b: number) => a + b, 0)).toBe(24);
    expect(events.some((e) => e.type === 'stage:end' && e.stage === 'design')).toBe(true);

    const listed = await listRuns(dir);
    expect(listed.map((l) => [l.runId, l.metrics['median_score']])).toEqual([[r.runId, r.metrics['median_score']]]);
    const html = readFileSync(join(r.runDir, 'report.html'), 'utf8');
    await writeReport(r.runDir);
    expect(readFileSync(join(r.runDir, 'report.html'), 'utf8')).toBe(html);
  });

  it('leaves weights out when saveWeights is false, and never overwrites a run of the same id', async () => {
    const dir = out();
    const a = await train({ ...base(dir), saveWeights: false }, { registry: testRegistry() });
    const b = await train({ ...base(dir), saveWeights: false }, { registry: testRegistry() });
    expect(existsSync(join(a.runDir, 'weights.arrow'))).toBe(false);
    expect(a.runDir).not.toBe(b.runDir);
    expect(readdirSync(dir).sort()).toEqual([a.runId, b.runId].sort());
    expect(b.metrics['median_score']).toBe(a.metrics['median_score']);
  });

  it('reserves run ids: runs started together never share or replace a directory', async () => {
    const { RunDirectory } = await import('../src/run-dir.js');
    const dir = out();
    const [a, b, c] = await Promise.all([RunDirectory.create(dir, 'x'), RunDirectory.create(dir, 'x'), RunDirectory.create(dir, 'x')]);
    expect(new Set([a.runId, b.runId, c.runId])).toEqual(new Set(['x', 'x-2', 'x-3']));
    await a.writeJson('run.json', { a: 1 });
    await a.commit();
    await b.discard();
    // The discarded run's id is free again (which of the three ids b got depends on the file system's timing).
    const d = await RunDirectory.create(dir, 'x');
    expect(d.runId).toBe(b.runId);
    await c.commit();
    await d.commit();
    expect(readdirSync(dir).sort()).toEqual(['x', 'x-2', 'x-3']);
    expect(JSON.parse(readFileSync(join(dir, a.runId, 'run.json'), 'utf8'))).toEqual({ a: 1 });
  });

  it('passes --force to stages as ctx.refresh', async () => {
    const seen = { refresh: [] as boolean[], calls: 0 };
    const registry = () => testRegistry().use(probePlugin(seen));
    await train({ ...base(out()), features: [{ name: 'probe' }] }, { registry: registry() });
    expect(new Set(seen.refresh)).toEqual(new Set([false]));
    seen.refresh = [];
    await train({ ...base(out()), features: [{ name: 'probe' }] }, { registry: registry(), force: true });
    expect(new Set(seen.refresh)).toEqual(new Set([true]));
  });

  it('a failing stage leaves no run directory behind and surfaces as E_INTERNAL naming the cause', async () => {
    const dir = out();
    const seen = { refresh: [] as boolean[], calls: 0 };
    await expectVoxelwiseError(
      () =>
        train(
          { ...base(dir), features: [{ name: 'probe', options: { failOn: 'story02', typeError: true } }] },
          { registry: testRegistry().use(probePlugin(seen)) },
        ),
      'E_INTERNAL',
      'boom in probe',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an aborted run stops with E_ABORTED and leaves nothing', async () => {
    const dir = out();
    const controller = new AbortController();
    const seen = { refresh: [] as boolean[], calls: 0 };
    await expectVoxelwiseError(
      () =>
        train(
          { ...base(dir), features: [{ name: 'probe', options: { failOn: 'story01', abort: controller } }] },
          { registry: testRegistry().use(probePlugin(seen)), signal: controller.signal },
        ),
      'E_ABORTED',
    );
    expect(seen.calls).toBeLessThan(4);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('runs full nested cross-validation over stories (no held-out story)', async () => {
    const dir = out();
    const r = await train({ ...base(dir), split: { mode: 'nested-cv', outerFolds: 2 } }, { registry: testRegistry() });
    expect(r.metrics['n_outer_folds']).toBe(2);
    expect(r.metrics['stories']).toEqual(['story01', 'story02', 'story03', 'wheretheressmoke']);
    for (const key of ['median_score', 'n_significant', 'n_majority_significant']) expect(typeof r.metrics[key]).toBe('number');
    const scores = await readScores(join(r.runDir, 'scores.arrow'));
    expect(scores.r).toEqual(r.evaluation.voxels.r);
    expect(scores.p).toBeDefined();
    expect(readdirSync(r.runDir)).not.toContain('weights.arrow');
    const run = JSON.parse(readFileSync(join(r.runDir, 'run.json'), 'utf8'));
    expect(run.split).toEqual({ mode: 'nested-cv', stories: ['story01', 'story02', 'story03', 'wheretheressmoke'], outerFolds: 2 });
    expect(readFileSync(join(r.runDir, 'report.html'), 'utf8')).toContain('TRs (nested CV)');
  });

  it('hands the finished run to the W&B logger, which queues it in the run directory when offline', async () => {
    const dir = out();
    const events: VoxelwiseEvent[] = [];
    const r = await train(
      { ...base(dir), loggers: [{ name: 'wandb', options: { mode: 'offline', project: 'p' } }] },
      { registry: testRegistry(), onEvent: (e) => events.push(e) },
    );
    const queued = JSON.parse(readFileSync(join(r.runDir, 'wandb', 'pending.json'), 'utf8'));
    expect(queued).toMatchObject({ runId: r.runId, project: 'p', exitcode: 0, reason: 'offline mode' });
    expect(queued.summary.median_score).toBe(r.metrics['median_score']);
    expect(queued.summary['r/all']._type).toBe('histogram');
    expect(queued.config.configHash.value).toBe(r.configHash);
    expect(queued.files).toContain('report.html');
    expect(events.some((e) => e.type === 'log' && e.message.includes('W&B offline'))).toBe(true);
  });

  it("runs the huth preset with Huth's bootstrap ridge (scaled down to this small subject)", async () => {
    const huth = resolveConfig({ ...base(out()), preset: 'huth' }).model.options!;
    const r = await train(
      {
        ...base(out()),
        preset: 'huth',
        model: { name: 'ridge-cv', options: { ...huth, folds: { type: 'bootstrap', nboots: 5, chunkLength: 20, nchunks: 5 } } },
      },
      { registry: testRegistry() },
    );
    const run = JSON.parse(readFileSync(join(r.runDir, 'run.json'), 'utf8'));
    expect(run.preset).toBe('huth');
    expect(run.model.options).toMatchObject({ normalpha: false, score: 'huth', folds: { type: 'bootstrap', nboots: 5 } });
    const scores = await readScores(join(r.runDir, 'scores.arrow'));
    expect(new Set(scores.alpha).size).toBeGreaterThan(0);
    for (const a of scores.alpha!) expect(a >= 10 && a <= 1000).toBe(true);
  });

  it('refuses a layer sweep when no feature has a layer option', async () => {
    await expectVoxelwiseError(
      () => train({ ...base(out()), layers: [0, 1] }, { registry: testRegistry() }),
      'E_CONFIG_INVALID',
      '"layers"',
      'wordrate',
    );
  });
});
