/* eslint-disable @nx/enforce-module-boundaries -- the test composes a real run from plugin packages and the trainer (devDependencies, test files only). */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '@voxelwise/core';
import type { Registry, VoxelwiseEvent } from '@voxelwise/core';
import { assemblies } from '@voxelwise/assembly';
import { basicFeatures } from '@voxelwise/features-basic';
import { downsamplers } from '@voxelwise/downsample';
import { ridge } from '@voxelwise/ridge';
import { builtinLoggers, readScores, train } from '@voxelwise/trainer';
import { findChromium, rEdges, tensorboard } from '../src/index.js';
import { readerUnavailable, runReader } from './helpers/reader.js';
import type { ReaderOutput } from './helpers/reader.js';

const registry = (): Registry =>
  createRegistry().use(assemblies()).use(basicFeatures()).use(downsamplers()).use(ridge()).use(builtinLoggers()).use(tensorboard());

/** Counts per bucket `[edges[k], edges[k+1])` (last closed) by a plain scan: a second implementation to check against. */
function naiveCounts(values: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of Array.from(values).filter(Number.isFinite)) {
    let k = 0;
    while (k < counts.length - 1 && v >= edges[k + 1]!) k++;
    counts[k]!++;
  }
  return counts;
}

/** Full bucket counts over `edges` from a histogram's (limit, count) pairs as the reader decoded them. */
function countsFromProto(h: { bucket_limit: number[]; bucket: number[] }, edges: number[]): number[] {
  const full = new Array<number>(edges.length - 1).fill(0);
  // The first pair is the empty bucket that ends at the first left edge.
  expect(h.bucket[0]).toBe(0);
  for (let j = 1; j < h.bucket.length; j++) {
    const k = edges.indexOf(h.bucket_limit[j]!) - 1;
    expect(k).toBeGreaterThanOrEqual(0);
    full[k] = h.bucket[j]!;
  }
  return full;
}

/** A value as the reader prints it: float32, non-finite ones as strings. */
const asRead = (v: number): number | string => (Number.isFinite(v) ? Math.fround(v) : String(v));

/** Every metric event must be in the file as a float32 scalar at its step (a repeated step-less one counts 0, 1, …). */
function expectScalars(out: ReaderOutput, events: VoxelwiseEvent[]): number {
  const expected: Record<string, Array<[number, number | string]>> = {};
  for (const e of events) {
    if (e.type !== 'metric') continue;
    const list = (expected[e.name] ??= []);
    list.push([e.step ?? list.length, asRead(e.value)]);
  }
  expect(out.scalars).toEqual(expected);
  return Object.values(expected).flat().length;
}

const skip = readerUnavailable ? `tensorboard_reader.py cannot run here: ${readerUnavailable}` : '';

describe.skipIf(Boolean(skip))(
  `tensorboard logger, read back by tools/reference/tensorboard_reader.py${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    it('logs every metric, the r histograms, the config and the report charts of a run', async () => {
      const root = mkdtempSync(join(tmpdir(), 'vw-tb-run-'));
      const logDir = join(root, 'tb');
      const events: VoxelwiseEvent[] = [];
      const result = await train(
        {
          name: 'tb',
          outDir: join(root, 'results'),
          cacheDir: join(root, 'cache'),
          assembly: { name: 'simulated', options: { seed: 5, stories: 4, duration: 160, voxels: 40, plantedFraction: 0.5 } },
          features: [{ name: 'wordrate', options: { mode: 'huth' } }],
          loggers: [{ name: 'tensorboard', options: { logDir } }],
        },
        { registry: registry(), onEvent: (e) => events.push(e) },
      );
      expect(readdirSync(logDir)).toEqual([result.runId]);
      const [name] = readdirSync(join(logDir, result.runId));
      expect(name).toMatch(/^events\.out\.tfevents\.\d{10}\.[^/]+$/);
      const read = runReader(logDir);
      expect(read.stderr).toBe('');
      const out = read.out!;
      expect(out.file_versions).toEqual(['brain.Event:2']);
      expect(out.files).toHaveLength(1);

      expect(expectScalars(out, events)).toBeGreaterThan(5);
      expect(out.scalars['median_score']).toEqual([[0, Math.fround(result.metrics['median_score'] as number)]]);

      const scores = await readScores(join(result.runDir, 'scores.arrow'));
      const edges = rEdges(100);
      const [all] = out.histograms['r/all']!;
      expect(all!.step).toBe(0);
      expect(all!.num).toBe(scores.r.length);
      expect(all!.min).toBe(Math.min(...scores.r));
      expect(all!.max).toBe(Math.max(...scores.r));
      expect(countsFromProto(all!, edges)).toEqual(naiveCounts(scores.r, edges));
      const sigR = scores.r.filter((_, i) => scores.significant![i] === 1);
      expect(sigR.length).toBeGreaterThan(0);
      const [sig] = out.histograms['r/significant']!;
      expect(sig!.num).toBe(sigR.length);
      expect(countsFromProto(sig!, edges)).toEqual(naiveCounts(sigR, edges));

      const [config] = out.texts['config']!;
      expect(config).toMatchObject({ plugin: 'text', dtype: 7, rank: 0 });
      const start = events.find((e) => e.type === 'run:start')!;
      expect(JSON.parse(config!.text[0]!)).toEqual(JSON.parse(JSON.stringify((start as { config: unknown }).config)));

      const charts = [...readFileSync(join(result.runDir, 'report.html'), 'utf8').matchAll(/<svg class="chart[^>]*? id="([^"]+)"/g)].map(
        (m) => m[1],
      );
      expect(charts.length).toBeGreaterThan(0);
      const logs = events.filter((e) => e.type === 'log' && e.stage === 'logger/tensorboard');
      expect(logs.filter((e) => (e as { level: string }).level === 'warn')).toEqual([]);
      if (findChromium()) {
        expect(Object.keys(out.images).sort()).toEqual(
          charts
            .slice(0, 32)
            .map((id) => `report/${id}`)
            .sort(),
        );
        for (const [image] of Object.values(out.images)) {
          expect(image).toMatchObject({ step: 0, png: true, png_width: image!.width, png_height: image!.height });
          expect(image!.width).toBeGreaterThan(100);
        }
      } else {
        expect(out.images).toEqual({});
        expect(logs.some((e) => (e as { message: string }).message.includes('no Chromium'))).toBe(true);
      }
    });

    it('turns a write error into a warning and still finishes the run', async () => {
      const root = mkdtempSync(join(tmpdir(), 'vw-tb-fail-'));
      // A file where the log directory should be: mkdir fails.
      writeFileSync(join(root, 'blocked'), '');
      const events: VoxelwiseEvent[] = [];
      const result = await train(
        {
          name: 'tb',
          outDir: join(root, 'results'),
          cacheDir: join(root, 'cache'),
          assembly: { name: 'simulated', options: { seed: 5, stories: 3, duration: 120, voxels: 8 } },
          features: [{ name: 'wordrate', options: { mode: 'huth' } }],
          loggers: [{ name: 'tensorboard', options: { logDir: join(root, 'blocked'), images: false } }],
        },
        { registry: registry(), onEvent: (e) => events.push(e) },
      );
      expect(readFileSync(join(result.runDir, 'metrics.json'), 'utf8')).toContain('median_score');
      const warnings = events.filter((e) => e.type === 'log' && e.level === 'warn' && e.stage === 'logger/tensorboard');
      expect(warnings).toHaveLength(1);
      expect((warnings[0] as { message: string }).message).toMatch(/cannot write .*blocked/);
    });

    it('skips the chart images with a log event when Chromium is missing, and still logs the histograms', async () => {
      const root = mkdtempSync(join(tmpdir(), 'vw-tb-nochrome-'));
      const saved = process.env['CHROMIUM_PATH'];
      process.env['CHROMIUM_PATH'] = join(root, 'no-such-chromium');
      const events: VoxelwiseEvent[] = [];
      try {
        const result = await train(
          {
            name: 'tb',
            outDir: join(root, 'results'),
            cacheDir: join(root, 'cache'),
            assembly: { name: 'simulated', options: { seed: 5, stories: 3, duration: 120, voxels: 8 } },
            features: [{ name: 'wordrate', options: { mode: 'huth' } }],
            loggers: [{ name: 'tensorboard', options: { logDir: join(root, 'tb') } }],
          },
          { registry: registry(), onEvent: (e) => events.push(e) },
        );
        const out = runReader(join(root, 'tb', result.runId)).out!;
        expect(out.images).toEqual({});
        expect(out.histograms['r/all']).toHaveLength(1);
        const logs = events.filter((e) => e.type === 'log' && e.stage === 'logger/tensorboard') as Array<{
          level: string;
          message: string;
        }>;
        expect(logs.filter((e) => e.message.includes('no Chromium'))).toHaveLength(1);
        expect(logs.filter((e) => e.level === 'warn')).toEqual([]);
      } finally {
        if (saved === undefined) delete process.env['CHROMIUM_PATH'];
        else process.env['CHROMIUM_PATH'] = saved;
      }
    });

    it('keeps non-finite scalars, and the reader rejects a record whose data CRC is wrong', async () => {
      const root = mkdtempSync(join(tmpdir(), 'vw-tb-crc-'));
      const { tensorboardLogger, tensorboardOptionsSchema } = await import('../src/index.js');
      const logger = tensorboardLogger(tensorboardOptionsSchema.parse({ logDir: root }));
      logger.handle({ type: 'run:start', runId: 'r', config: {}, time: Date.now() });
      logger.handle({ type: 'metric', name: 'x', value: 1 });
      logger.handle({ type: 'metric', name: 'x', value: NaN });
      logger.handle({ type: 'metric', name: 'x', value: -Infinity });
      await logger.close!();
      const dir = join(root, 'r');
      const file = join(dir, readdirSync(dir)[0]!);
      expect(runReader(file).out!.scalars).toEqual({
        x: [
          [0, 1],
          [1, 'NaN'],
          [2, '-Infinity'],
        ],
      });
      const bytes = readFileSync(file);
      bytes[bytes.length - 6]! ^= 1;
      writeFileSync(file, bytes);
      const bad = runReader(file);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/data CRC mismatch/);
    });
  },
);
