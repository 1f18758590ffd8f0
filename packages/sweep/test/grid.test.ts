import { describe, expect, it } from 'vitest';
import { isVoxelwiseError } from '@voxelwise/core';
import { expandGrid, gridPath, gridValues, isLayerKey, setPath } from '../src/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isVoxelwiseError(error) ? error.code : 'not a VoxelwiseError';
  }
  return undefined;
}

describe('grid', () => {
  it('reads lists, inclusive integer ranges (negative too) and single values', () => {
    expect(gridValues('k', [1, 'a'])).toEqual([1, 'a']);
    expect(gridValues('k', '0..12')).toHaveLength(13);
    expect(gridValues('k', '-3..-1')).toEqual([-3, -2, -1]);
    expect(gridValues('k', '2..2')).toEqual([2]);
    expect(gridValues('k', 'gpt2')).toEqual(['gpt2']);
    expect(gridValues('k', 7)).toEqual([7]);
  });

  it('refuses empty lists and backwards ranges, naming the key', () => {
    expect(() => gridValues('features.0.options.layer', '5..1')).toThrow(
      /grid key "features.0.options.layer" is the range "5..1", which runs backwards/,
    );
    expect(codeOf(() => gridValues('seed', []))).toBe('E_CONFIG_INVALID');
    expect(codeOf(() => gridPath('a..b'))).toBe('E_CONFIG_INVALID');
  });

  it('expands the Cartesian product, the first key slowest', () => {
    const cells = expandGrid({ subject: ['S1', 'S2'], 'features.0.options.layer': '0..2' });
    expect(cells).toHaveLength(6);
    expect(cells.map((c) => `${String(c['subject'])}:${String(c['features.0.options.layer'])}`)).toEqual([
      'S1:0',
      'S1:1',
      'S1:2',
      'S2:0',
      'S2:1',
      'S2:2',
    ]);
  });

  it('sets shorthands and dotted paths into a copy, indexing lists', () => {
    const base = { seed: 0, assembly: { name: 'lebel', options: { root: 'r' } }, features: [{ name: 'lm', options: { layer: 9 } }] };
    const out = setPath(setPath(setPath(base, 'subject', 'UTS02'), 'features.0.options.layer', 3), 'seed', 4);
    expect(out).toEqual({
      seed: 4,
      assembly: { name: 'lebel', options: { root: 'r', subject: 'UTS02' } },
      features: [{ name: 'lm', options: { layer: 3 } }],
    });
    // The base is untouched.
    expect(base.features[0]!.options.layer).toBe(9);
    expect(gridPath('subject')).toEqual(['assembly', 'options', 'subject']);
  });

  it('refuses a list index the base config does not have and a path through a scalar', () => {
    const base = { features: [{ name: 'lm' }], seed: 1 };
    expect(() => setPath(base, 'features.1.options.layer', 2)).toThrow(/features is a list of 1, it has no item 1/);
    expect(() => setPath(base, 'seed.x', 2)).toThrow(/seed is not an object/);
  });

  it('knows layer keys', () => {
    expect(isLayerKey('features.0.options.layer')).toBe(true);
    expect(isLayerKey('subject')).toBe(false);
  });
});
