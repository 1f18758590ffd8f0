import { createContext, createRegistry } from '@voxelwise/core';
import type { AnyStageRef } from '@voxelwise/core';
import { describeDownsamplerConformance } from '@voxelwise/testing';
import type { DownsamplerConformanceOptions } from '@voxelwise/testing';
import { downsamplers } from '../src/index.js';

const registry = createRegistry().use(downsamplers());
const create = (ref: AnyStageRef) => () => registry.create('downsampler', ref, createContext());

/** Contiguous labels from word order (as a story's split indices would be). */
const labels = (n: number, m: number) => Array.from({ length: n }, (_, j) => Math.floor((j * m) / n));
/** The same chunks as np.split boundaries. */
const boundaries = (n: number, m: number) => Array.from({ length: m - 1 }, (_, i) => Math.ceil(((i + 1) * n) / m));

const cases: [string, AnyStageRef, DownsamplerConformanceOptions][] = [
  ['lanczos', { name: 'lanczos', options: { window: 3, cutoffMult: 1 } }, {}],
  [
    'lanczos rectify',
    { name: 'lanczos', options: { window: 3, cutoffMult: 1, rectify: true } },
    { columnsPerFeature: 2, columnLayout: 'blocks' },
  ],
  ['sinc', { name: 'sinc', options: { window: 1, cutoffMult: 1 } }, { normalised: true }],
  ['sinc causal, no renorm', { name: 'sinc', options: { window: 3, cutoffMult: 1, causal: true, renorm: false } }, {}],
  ['gabor', { name: 'gabor', options: { freqs: [0.1, 0.25, 0.4], sigma: 1 } }, { columnsPerFeature: 3 }],
  ['rect', { name: 'rect' }, { normalised: true }],
  ['average (word times)', { name: 'average' }, { normalised: true }],
  ['average (labels)', { name: 'average' }, { normalised: true, splitIndices: labels }],
  ['sum (labels)', { name: 'sum' }, { splitIndices: labels }],
  ['last (word times)', { name: 'last' }, { normalised: true }],
  ['legacy-average (boundaries)', { name: 'legacy-average' }, { normalised: true, splitIndices: boundaries }],
  ['legacy-sum (word times)', { name: 'legacy-sum' }, {}],
  ['legacy-last (boundaries)', { name: 'legacy-last' }, { normalised: true, splitIndices: boundaries }],
];

for (const [label, ref, options] of cases) describeDownsamplerConformance(label, create(ref), { preservesDType: true, ...options });
