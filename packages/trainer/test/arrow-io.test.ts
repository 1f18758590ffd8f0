import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { readScores, readTimeseries, readWeights, scoresToIPC, timeseriesToIPC, writeWeights } from '../src/arrow-io.js';

const dir = () => mkdtempSync(join(tmpdir(), 'vw-arrow-'));

describe('run directory Arrow files', () => {
  it('scores.arrow holds voxel, r, p, p_corrected, significant, alpha and lambda, bit-exact', async () => {
    const scores = {
      r: Float64Array.of(0.5, -0.1, 0.25),
      p: Float64Array.of(1e-9, 0.4, 0.01),
      pCorrected: Float64Array.of(3e-9, 0.4, 0.015),
      significant: Uint8Array.of(1, 0, 1),
      alpha: Float64Array.of(10, 1e8, 100),
      lambda: Float64Array.of(100, 1e16, 1e4),
    };
    const bytes = scoresToIPC(scores, { model: 'ridge-cv' });
    const table = tableFromIPC(bytes);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['voxel', 'r', 'p', 'p_corrected', 'significant', 'alpha', 'lambda']);
    expect(Array.from(table.getChild('voxel')!.toArray() as Int32Array)).toEqual([0, 1, 2]);
    const path = join(dir(), 'scores.arrow');
    writeFileSync(path, bytes);
    const back = await readScores(path);
    expect(back.r).toEqual(scores.r);
    expect(back.p).toEqual(scores.p);
    expect(back.pCorrected).toEqual(scores.pCorrected);
    expect(back.significant).toEqual(scores.significant);
    expect(back.alpha).toEqual(scores.alpha);
    expect(back.lambda).toEqual(scores.lambda);
    expect(back.metadata['model']).toBe('ridge-cv');
  });

  it('columns a model did not compute are null, not zero', async () => {
    const path = join(dir(), 'scores.arrow');
    writeFileSync(path, scoresToIPC({ r: Float64Array.of(0.1, 0.2) }));
    const t = tableFromIPC(scoresToIPC({ r: Float64Array.of(0.1, 0.2) }));
    expect(t.getChild('p')!.nullCount).toBe(2);
    expect(t.getChild('significant')!.nullCount).toBe(2);
    const back = await readScores(path);
    expect(back.p).toBeUndefined();
    expect(back.significant).toBeUndefined();
  });

  it('weights.arrow round-trips from a matrix and from voxel blocks, in small chunks', async () => {
    const p = 5;
    const v = 7;
    const data = Float32Array.from({ length: p * v }, (_, i) => Math.sin(i) * 3);
    const a = join(dir(), 'w.arrow');
    await writeWeights(a, { rows: p, cols: v, data }, { columns: '["x"]' }, 3);
    const back = await readWeights(a);
    expect(back.weights).toEqual({ rows: p, cols: v, data });
    expect(back.metadata['columns']).toBe('["x"]');
    expect(back.metadata['n_voxels']).toBe('7');
    async function* blocks() {
      for (const [v0, v1] of [
        [0, 4],
        [4, 7],
      ] as const) {
        const w = new Float64Array(p * (v1 - v0));
        for (let f = 0; f < p; f++) for (let j = v0; j < v1; j++) w[f * (v1 - v0) + (j - v0)] = data[f * v + j]!;
        yield { voxelStart: v0, weights: { rows: p, cols: v1 - v0, data: w } };
      }
    }
    const b = join(dir(), 'w2.arrow');
    await writeWeights(b, { rows: p, cols: v, batches: blocks() });
    expect((await readWeights(b)).weights.data).toEqual(data);
  });

  it('a weight stream that skips voxels fails and leaves no file', async () => {
    const d = dir();
    async function* gap() {
      yield { voxelStart: 0, weights: { rows: 2, cols: 1, data: Float64Array.of(1, 2) } };
      yield { voxelStart: 2, weights: { rows: 2, cols: 1, data: Float64Array.of(1, 2) } };
    }
    await expectVoxelwiseError(() => writeWeights(join(d, 'w.arrow'), { rows: 2, cols: 3, batches: gap() }), 'E_SHAPE_MISMATCH', 'voxel 2');
    expect(readdirSync(d)).toEqual([]);
  });

  it('timeseries.arrow round-trips and a non-Arrow file is named in the error', async () => {
    const ts = {
      voxel: Int32Array.of(4, 4),
      story: ['s', 's'],
      tr: Int32Array.of(10, 11),
      measured: Float32Array.of(0.5, -1),
      predicted: Float32Array.of(0.25, -0.75),
    };
    const d = dir();
    writeFileSync(join(d, 't.arrow'), timeseriesToIPC(ts));
    expect(await readTimeseries(join(d, 't.arrow'))).toEqual(ts);
    writeFileSync(join(d, 'bad.arrow'), 'not arrow');
    await expectVoxelwiseError(() => readScores(join(d, 'bad.arrow')), 'E_FILE_FORMAT', 'bad.arrow');
    await expectVoxelwiseError(() => readScores(join(d, 'missing.arrow')), 'E_FILE_NOT_FOUND', 'missing.arrow');
  });
});
