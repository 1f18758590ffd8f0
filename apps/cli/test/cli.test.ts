import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const run = runCli;

const dir = mkdtempSync(join(tmpdir(), 'vw-cli-'));
function config(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
const base = {
  outDir: join(dir, 'results'),
  assembly: { name: 'simulated', options: { voxels: 8, stories: 3, duration: 120 } },
  features: [{ name: 'wordrate' }],
};
const runsDir = join(dir, 'results');

describe('voxelwise CLI', () => {
  it('prints help and version', async () => {
    expect((await run(['--help'])).out).toContain('voxelwise demo');
    expect((await run(['--version'])).out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown stage, listing the known names', async () => {
    const r = await run(['train', '--config', config('bad-stage.json', { ...base, features: [{ name: 'wordrat' }] })]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('E_STAGE_UNKNOWN');
    expect(r.err).toContain('"wordrat"');
    expect(r.err).toContain('wordrate');
  });

  it('exits 2 on a wrong option type, naming the option', async () => {
    const r = await run([
      'train',
      '--config',
      config('bad-option.json', { ...base, model: { name: 'ridge-cv', options: { nFolds: 'five' } } }),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('E_OPTIONS_INVALID');
    expect(r.err).toContain('option "nFolds"');
  });

  it('exits 2 on an unknown config key and on a missing file', async () => {
    const r = await run(['train', '--config', config('bad-key.json', { ...base, delay: [1] })]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('E_CONFIG_INVALID');
    expect(r.err).toContain('delay');
    expect((await run(['train'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    const missing = await run(['train', '--config', join(dir, 'no-such-config.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no-such-config.json');
  });

  it('runs a JSON config end to end, lists the run and re-renders its report', async () => {
    const r = await run(['train', '--config', config('ok.json', base), '--seed', '4', '--memory-budget', '512MB', '--quiet']);
    expect(r.err).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.out).toContain('median r');
    const runDir = /results in (\S+)/.exec(r.out)![1]!;
    expect(r.out).toContain(`report     ${join(runDir, 'report.html')}`);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toMatchObject({ seed: 4, memoryBudget: '512MB' });

    const ls = await run(['runs', 'ls', '--out', runsDir]);
    expect(ls.code).toBe(0);
    expect(ls.out.split('\n')[0]).toMatch(/^run\s+subject\s+median r/);
    expect(ls.out).toContain(runDir.split('/').pop()!);
    const json = JSON.parse((await run(['runs', 'ls', '--out', runsDir, '--json'])).out) as Array<{ dir: string; median_score: number }>;
    expect(json.find((j) => j.dir === runDir)?.median_score).toBe(
      JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')).median_score,
    );

    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    rmSync(join(runDir, 'report.html'));
    const rep = await run(['report', runDir]);
    expect(rep.code).toBe(0);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toBe(html);
    const other = join(dir, 'copy.html');
    expect((await run(['report', runDir, '--out', other])).code).toBe(0);
    expect(readFileSync(other, 'utf8')).toBe(html);
  });

  it('maps --layer and --lookback onto features that have those options, and refuses them otherwise', async () => {
    const r = await run(['train', '--config', config('layer.json', base), '--layer', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('E_CONFIG_INVALID');
    expect(r.err).toContain('"layer"');
    expect(r.err).toContain('wordrate');
    expect((await run(['train', '--config', config('lb.json', base), '--lookback', '256'])).err).toContain('"lookback"');
    const bad = await run(['train', '--config', config('layer2.json', base), '--layer', 'nine']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--layer must be');
  });

  it('parses layer lists and ranges and sets them on lm features', async () => {
    const { applyOverrides, parseLayers } = await import('../src/overrides.js');
    expect(parseLayers('9')).toEqual([9]);
    expect(parseLayers('0..3')).toEqual([0, 1, 2, 3]);
    expect(parseLayers('0, 6,12')).toEqual([0, 6, 12]);
    const { createDefaultRegistry } = await import('../src/registry.js');
    const registry = await createDefaultRegistry();
    const cfg = { features: [{ name: 'lm', options: { model: 'gpt2', layer: 9 } }, { name: 'wordrate' }] };
    expect(applyOverrides(cfg, { layer: '4', lookback: '128' }, registry)).toEqual({
      features: [{ name: 'lm', options: { model: 'gpt2', layer: 4, lookback: 128 } }, { name: 'wordrate' }],
    });
    expect(applyOverrides({ ...cfg, layers: [1, 2] }, { layer: '0..2' }, registry)).toMatchObject({ layers: [0, 1, 2] });
    expect(applyOverrides({ ...cfg, layers: [1, 2] }, { layer: '5' }, registry)).not.toHaveProperty('layers');
  });

  it('runs ls on an empty folder, and usage errors for runs, report and wandb', async () => {
    expect((await run(['runs', 'ls', '--out', join(dir, 'nothing-here')])).out).toContain('no runs');
    expect((await run(['runs'])).code).toBe(2);
    expect((await run(['report'])).code).toBe(2);
    const missing = await run(['report', join(dir, 'no-such-run')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('run.json');
    expect((await run(['wandb'])).code).toBe(2);
    expect((await run(['wandb', 'sync'])).code).toBe(2);
  });

  it('config show prints the resolved config with every stage option; config schema is JSON Schema', async () => {
    const runsBefore = existsSync(runsDir) ? readdirSync(runsDir).length : 0;
    const r = await run(['config', 'show', '-c', config('show.json', { ...base, preset: 'huth' }), '--seed', '9', '--json']);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.out);
    expect(shown.seed).toBe(9);
    expect(shown.downsampler).toEqual({ name: 'lanczos', options: { window: 3, cutoffMult: 1, rectify: false } });
    expect(shown.model.name).toBe('ridge-cv');
    expect(shown.model.options).toMatchObject({ normalpha: false, score: 'huth', alphaMode: 'per-voxel' });
    expect(shown.features[0]).toEqual({ name: 'wordrate', options: expect.objectContaining({ mode: expect.any(String) }) });
    // Nothing ran.
    expect(existsSync(runsDir) ? readdirSync(runsDir).length : 0).toBe(runsBefore);
    const bad = await run([
      'config',
      'show',
      '-c',
      config('show-bad.json', { ...base, model: { name: 'ridge-cv', options: { alphaMode: 'some' } } }),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('alphaMode');
    const schema = JSON.parse((await run(['config', 'schema'])).out);
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['assembly', 'features', 'layers', 'trimming', 'preset', 'split']),
    );
    expect((await run(['config'])).code).toBe(2);
  });

  it('rejects a bad demo seed before doing any work', async () => {
    const r = await run(['demo', '--seed', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--seed must be an integer');
  });

  it('has help with examples for every command', async () => {
    for (const c of ['train', 'demo', 'runs', 'report', 'config', 'list', 'wandb']) {
      const h = await run([c, '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toContain(`voxelwise ${c}`);
    }
    expect((await run(['train', '--help'])).out).toContain('--layer');
  });

  it('lists stages with options', async () => {
    const r = await run(['list', 'model']);
    expect(r.out).toContain('ridge-cv');
    expect(r.out).toContain('alphaMode');
  });
});
