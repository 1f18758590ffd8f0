import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { configHash, resolveConfig, scienceKeys } from '@voxelwise/trainer';
import { localParallelism, parseSweepSpec, planSweep } from '../src/index.js';

const base = {
  name: 'layers',
  assembly: { name: 'simulated', options: { seed: 1, voxels: 10 } },
  features: [{ name: 'lm', options: { model: 'models/tiny', layer: 1 } }],
  model: { name: 'ridge-cv' },
};

function plan(grid: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return planSweep(parseSweepSpec({ ...base, ...extra, grid }, 'sweep.yaml'), { cwd: '/work/project' });
}

describe('planSweep', () => {
  it('gives each cell the config hash the trainer records in run.json, and a folder named by it', () => {
    const p = plan({ 'assembly.options.seed': [1, 2], 'features.0.options.layer': '0..2' });
    expect(p.dir).toBe('/work/project/sweeps/layers');
    expect(p.cells).toHaveLength(6);
    for (const cell of p.cells) {
      const { outDir: _o, plugins: _p, ...config } = cell.config;
      expect(cell.hash).toBe(configHash(scienceKeys(resolveConfig(config))));
      expect(cell.id).toBe(cell.hash.slice(0, 12));
      expect(cell.dir).toBe(`/work/project/sweeps/layers/cells/${cell.id}`);
      expect(cell.config['outDir']).toBe(`${cell.dir}/runs`);
    }
    expect(p.cells[4]!.label).toBe('assembly.options.seed=2 features.0.options.layer=1');
  });

  it('keeps the cells of an edited grid: a cell id depends on its config only', () => {
    const small = plan({ 'features.0.options.layer': [0, 1] });
    const grown = plan({ 'features.0.options.layer': [5, 0, 1] });
    expect(grown.cells.map((c) => c.id)).toEqual(expect.arrayContaining(small.cells.map((c) => c.id)));
    // Paths, loggers and budgets are not science: changing them keeps the ids.
    const moved = plan({ 'features.0.options.layer': [0, 1] }, { memoryBudget: '1GB', cacheDir: '/elsewhere' });
    expect(moved.cells.map((c) => c.id)).toEqual(small.cells.map((c) => c.id));
  });

  it('groups the cells that share a feature extraction: layers share one, subjects do not', () => {
    const p = plan({ 'assembly.options.seed': [1, 2], 'features.0.options.layer': '0..2' });
    expect(p.extractGroups).toHaveLength(2);
    expect(p.extractGroups.map((g) => g.cells.length)).toEqual([3, 3]);
    expect(p.cells.map((c) => c.extractGroup)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('refuses two grid points with the same config, and a cell the trainer would refuse', () => {
    expect(() => plan({ 'features.0.options.layer': [1, 1] })).toThrow(
      /grid cells "features.0.options.layer=1" and "features.0.options.layer=1" give the same run config/,
    );
    expect(() => plan({ delays: [[1, 1]] })).toThrow(/sweep cell delays=\[1,1\]/);
  });

  it('makes relative plugin paths absolute (the cell configs live in the sweep directory)', () => {
    const p = planSweep(parseSweepSpec({ ...base, plugins: ['./my-plugin.ts', 'some-package'], grid: { seed: [0] } }), {
      cwd: '/work/project',
      configDir: 'configs',
    });
    expect(p.cells[0]!.config['plugins']).toEqual(['/work/project/configs/my-plugin.ts', 'some-package']);
  });

  it('reads the sweep settings and refuses a file without a grid or with an unknown setting', () => {
    const spec = parseSweepSpec({ ...base, grid: { seed: [0] }, sweep: { executor: 'slurm', slurm: { fit: { mem: '8G' }, throttle: 4 } } });
    expect(spec.settings).toMatchObject({
      executor: 'slurm',
      retries: 1,
      shards: 1,
      slurm: { fit: { mem: '8G' }, throttle: 4, pollSeconds: 10 },
    });
    expect(spec.base).not.toHaveProperty('grid');
    expect(() => parseSweepSpec(base, 'sweep.yaml')).toThrow(/sweep.yaml has no "grid"/);
    expect(() => parseSweepSpec({ ...base, grid: { seed: [0] }, sweep: { executor: 'pbs' } }, 'sweep.yaml')).toThrow(
      /key "sweep.executor"/,
    );
    expect(() => parseSweepSpec({ ...base, grid: { seed: [0] }, sweep: { slurm: { fit: { memory: '8G' } } } })).toThrow(/sweep/);
  });

  it('runs fewer cells at once locally when memory cannot hold them at their budget', () => {
    expect(localParallelism(plan({ seed: [0, 1] }, { memoryBudget: '1MB' }))).toBe(availableParallelism());
    expect(localParallelism(plan({ seed: [0, 1] }, { memoryBudget: '100TB' }))).toBe(1);
  });
});
