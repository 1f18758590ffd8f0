import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTinyGpt2 } from '@voxelwise/features-lm';
import { demoConfig, prepareDemo } from '../src/index.js';
import { parseLayers } from '../src/overrides.js';
import { runCli } from './run-cli.js';
import { repoRoot, voxelwise } from './temp-project.js';

const root = mkdtempSync(join(tmpdir(), 'vw-newcomer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The YAML block of the root README's "From the LITcoder tutorial" section, as a reader copies it. */
function tutorialYaml(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /```yaml\n(# lebel-gpt2\.yaml[^\n]*\n[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no "# lebel-gpt2.yaml" configuration block');
  return block[1]!;
}

describe('newcomer paths', () => {
  it('the README tutorial configuration runs as written, offline and without a W&B account', async () => {
    const yaml = tutorialYaml();
    const parsed = parse(yaml) as Record<string, unknown>;
    // The W&B logger is an opt-in line (a comment), not part of the default configuration.
    expect(parsed['loggers']).toBeUndefined();
    expect(yaml).toMatch(/^# loggers: \[\{ name: wandb/m);

    const project = join(root, 'tutorial');
    mkdirSync(project);
    // The tutorial's subject, simulated in the Arrow layout at the path the config names.
    const sim = await voxelwise(
      ['assembly', 'simulate', '--out', 'data/UTS03', '--stories', '3', '--duration', '120', '--voxels', '6'],
      project,
    );
    expect(sim.stderr).not.toMatch(/error/i);
    expect(sim.code).toBe(0);
    // gpt2-small is a hub id (no network in tests): a local model of GPT-2's depth (12 blocks, so
    // layer 9 exists) and context (lookback 256) stands in for it; nothing else is changed.
    await createTinyGpt2(join(project, 'models', 'gpt2-small'), { seed: 0, layers: 12, dModel: 8, heads: 2, positions: 320 });
    expect(yaml).toContain('model: gpt2-small,');
    writeFileSync(join(project, 'lebel-gpt2.yaml'), yaml.replace('model: gpt2-small,', 'model: models/gpt2-small,'));

    const r = await voxelwise(['train', '--config', 'lebel-gpt2.yaml', '--quiet'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const runs = readdirSync(join(project, 'results')).filter((n) => !n.startsWith('.'));
    expect(runs).toHaveLength(1);
    const config = JSON.parse(readFileSync(join(project, 'results', runs[0]!, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['loggers']).toEqual([]);
    expect(readdirSync(join(project, 'results', runs[0]!))).not.toContain('wandb');
  }, 300_000);

  it('--layer passes negative layers through: a value, a list, a range from the end', () => {
    expect(parseLayers('-1')).toEqual([-1]);
    expect(parseLayers('0,-1')).toEqual([0, -1]);
    expect(parseLayers('-3..-1')).toEqual([-3, -2, -1]);
    expect(() => parseLayers('0..-1')).toThrow(/from the start .* or from the end/);
  });

  it('--layer -1 and layer: -1 in a config select the last layer, as the lm README documents', async () => {
    const cacheDir = join(root, 'cache');
    const { modelDir } = await prepareDemo({ cacheDir });
    const small = { modelDir, cacheDir, voxels: 12, stories: 3, duration: 120 };
    // The simulated subject is planted on layer 2 in every run; only the fitted layer differs.
    const write = (name: string, layer: number) => {
      const config = demoConfig({ ...small, layer: 2, outDir: join(root, name.replace('.json', '')) });
      const path = join(root, name);
      writeFileSync(
        path,
        JSON.stringify({ ...config, features: [{ ...config.features[0]!, options: { ...config.features[0]!.options, layer } }] }),
      );
      return path;
    };
    const base = write('layer-base.json', 2);
    const last = write('layer-last.json', -1);
    const metrics = async (args: string[]) => {
      const r = await runCli(['train', ...args, '--quiet']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const out = args[args.indexOf('--out') + 1]!;
      const [run] = readdirSync(out).filter((n) => !n.startsWith('.'));
      const read = (f: string) => JSON.parse(readFileSync(join(out, run!, f), 'utf8')) as Record<string, unknown>;
      const features = read('config.json')['features'] as Array<{ options: { layer: number } }>;
      const m = read('metrics.json');
      return { layer: features[0]!.options.layer, median: m['median_score'], max: m['max_score'] };
    };
    const flagLast = await metrics(['-c', base, '--layer', '-1', '--out', join(root, 'flag-last')]);
    const configLast = await metrics(['-c', last, '--out', join(root, 'config-last')]);
    const explicit = await metrics(['-c', base, '--layer', '4', '--out', join(root, 'explicit')]);
    const first = await metrics(['-c', base, '--layer', '0', '--out', join(root, 'first')]);
    // Recorded as given, and the numbers of layer L = 4 (the demo model has 4 blocks).
    expect(flagLast.layer).toBe(-1);
    expect(configLast.layer).toBe(-1);
    expect({ ...flagLast, layer: 4 }).toEqual(explicit);
    expect({ ...configLast, layer: 4 }).toEqual(explicit);
    expect(first.median).not.toEqual(explicit.median);
  }, 300_000);
});
