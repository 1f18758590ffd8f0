import { describe, expect, it } from 'vitest';
import { createContext, createRegistry, defineStage, definePlugin, isVoxelwiseError, z } from '../src/index.js';

const double = defineStage({
  kind: 'downsampler',
  name: 'double-it',
  description: 'test stage',
  options: z.object({ factor: z.number().positive().default(2) }).strict(),
  create: (options) => ({
    id: 'double-it',
    downsample: (input) => ({ rows: input.data.rows, cols: input.data.cols, data: input.data.data.map((v) => v * options.factor) }),
  }),
});

describe('registry', () => {
  it('creates a stage with defaults filled', async () => {
    const registry = createRegistry().use(definePlugin('test', [double]));
    const ds = await registry.create('downsampler', { name: 'double-it' }, createContext());
    const out = ds.downsample({
      data: { rows: 1, cols: 2, data: new Float64Array([1, 2]) },
      dataTimes: new Float64Array([0]),
      trTimes: new Float64Array([0]),
    });
    expect(Array.from(out.data)).toEqual([2, 4]);
  });

  it('rejects an unknown stage naming the known ones', () => {
    const registry = createRegistry().use(double);
    try {
      registry.get('downsampler', 'tripple');
      expect.unreachable();
    } catch (e) {
      expect(isVoxelwiseError(e, 'E_STAGE_UNKNOWN')).toBe(true);
      expect((e as Error).message).toContain('"tripple"');
      expect((e as Error).message).toContain('double-it');
    }
  });

  it('rejects wrong option types naming the option', () => {
    const registry = createRegistry().use(double);
    expect(() => registry.resolveOptions('downsampler', { name: 'double-it', options: { factor: 'two' } })).toThrow(/option "factor"/);
    expect(() => registry.resolveOptions('downsampler', { name: 'double-it', options: { fcator: 2 } })).toThrow(/fcator/);
  });

  it('rejects duplicate names', () => {
    const registry = createRegistry().use(double);
    try {
      registry.use(double);
      expect.unreachable();
    } catch (e) {
      expect(isVoxelwiseError(e, 'E_STAGE_DUPLICATE')).toBe(true);
    }
  });

  it('lists stages with JSON schemas of their options', () => {
    const info = createRegistry().use(double).list();
    expect(info).toHaveLength(1);
    expect(info[0]!.optionsSchema).toMatchObject({ type: 'object', properties: { factor: { type: 'number' } } });
  });

  it('refuses names that are not kebab-case', () => {
    expect(() =>
      defineStage({
        kind: 'model',
        name: 'RidgeCV',
        description: '',
        options: z.object({}),
        create: () => ({
          id: '',
          fit: async () => {
            throw new Error();
          },
        }),
      }),
    ).toThrow(/kebab-case/);
  });
});
