import { describe, expect, it } from 'vitest';
import { createContext, createEventBus, createRegistry, fromRows, toRows } from '@voxelwise/core';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { BUILTIN_DOWNSAMPLERS, downsample, downsamplers, lanczosDownsample } from '../src/index.js';

const input = {
  data: fromRows([[1], [2], [3], [4], [0], [-1]]),
  dataTimes: Float64Array.from([0.3, 1.1, 2.0, 2.9, 4.2, 5.5]),
  trTimes: Float64Array.from([1, 3, 5]),
};

describe('downsampler stages', () => {
  const registry = createRegistry().use(downsamplers());

  it('registers every LITcoder method under a kebab-case name', () => {
    expect(registry.names('downsampler')).toEqual([
      'average',
      'gabor',
      'lanczos',
      'last',
      'legacy-average',
      'legacy-last',
      'legacy-sum',
      'rect',
      'sinc',
      'sum',
    ]);
    expect([...BUILTIN_DOWNSAMPLERS].sort()).toEqual(registry.names('downsampler'));
    for (const info of registry.list('downsampler')) expect(info.description.length).toBeGreaterThan(20);
  });

  it('creates lanczos the way the simulator and the trainer default call it', async () => {
    const ds = await registry.create('downsampler', { name: 'lanczos', options: { window: 3, cutoffMult: 1 } }, createContext());
    expect(ds.id).toBe('lanczos(window=3, cutoffMult=1, rectify=false)');
    expect(toRows(ds.downsample(input))).toEqual(toRows(lanczosDownsample(input, { window: 3, cutoffMult: 1 })));
  });

  it('fills defaults and rejects missing or unknown options with the option name', async () => {
    expect(registry.resolveOptions('downsampler', { name: 'sinc', options: { window: 1, cutoffMult: 1 } })).toEqual({
      window: 1,
      cutoffMult: 1,
      causal: false,
      renorm: true,
    });
    expect(registry.resolveOptions('downsampler', { name: 'legacy-last' })).toEqual({ splitFormat: 'auto' });
    await expectVoxelwiseError(
      () => registry.create('downsampler', { name: 'lanczos' }, createContext()),
      'E_OPTIONS_INVALID',
      /option "window"/,
      /option "cutoffMult"/,
    );
    await expectVoxelwiseError(
      () => registry.create('downsampler', { name: 'lanczos', options: { window: 3, cutoffMult: 1, cutoff_mult: 1 } }, createContext()),
      'E_OPTIONS_INVALID',
      /cutoff_mult/,
    );
    await expectVoxelwiseError(
      () => registry.create('downsampler', { name: 'gabor', options: { freqs: [], sigma: 1 } }, createContext()),
      'E_OPTIONS_INVALID',
      /option "freqs"/,
    );
    await expectVoxelwiseError(
      () => registry.create('downsampler', { name: 'lanczos', options: { window: -3, cutoffMult: 1 } }, createContext()),
      'E_OPTIONS_INVALID',
      /option "window"/,
    );
  });

  it('sinc reports its cut-off as a debug event instead of printing it', async () => {
    const events: VoxelwiseEvent[] = [];
    const bus = createEventBus();
    bus.subscribe((e) => events.push(e));
    const ds = await registry.create(
      'downsampler',
      { name: 'sinc', options: { window: 1, cutoffMult: 1 } },
      createContext({ emit: bus.emit }),
    );
    ds.downsample(input);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'log', level: 'debug', message: expect.stringMatching(/cutoff 0\.500 Hz/) }),
    );
  });

  it('split-index stages say once when they derive TRs from word times', async () => {
    const events: VoxelwiseEvent[] = [];
    const bus = createEventBus();
    bus.subscribe((e) => events.push(e));
    const ds = await registry.create('downsampler', { name: 'average' }, createContext({ emit: bus.emit }));
    expect(toRows(ds.downsample(input))).toEqual([[1.5], [3.5], [-0.5]]);
    ds.downsample(input);
    expect(events.filter((e) => e.type === 'log' && /no split indices/.test(e.message))).toHaveLength(1);
    expect(toRows(ds.downsample({ ...input, splitIndices: [0, 0, 1, 1, 1, 2] }))).toEqual([[1.5], [7 / 3], [-1]]);
  });
});

describe('downsample() by name', () => {
  it('runs any built-in with validated camelCase options', () => {
    expect(toRows(downsample(input, { name: 'legacy-sum', options: {} }))).toEqual([[3], [7], [-1]]);
    expect(toRows(downsample({ ...input, splitIndices: [2, 4] }, { name: 'legacy-sum' }))).toEqual([[3], [7], [-1]]);
    expect(downsample(input, { name: 'lanczos', options: { window: 3, cutoffMult: 1, rectify: true } }).cols).toBe(2);
  });
});
