import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moduleDefault } from '../src/module-default.js';
import { runCli } from './run-cli.js';
import { installPluginPackage, pluginSource, removeTempProjects, tempProject, voxelwise } from './temp-project.js';

afterAll(removeTempProjects);

const base = {
  assembly: { name: 'simulated', options: { voxels: 8, stories: 3, duration: 120 } },
  features: [{ name: 'ones' }, { name: 'wordrate' }],
};

describe('plugin and config modules', () => {
  it('unwraps the default export of ESM and of CommonJS compiled from ESM, once', () => {
    const x = { name: 'p' };
    expect(moduleDefault({ default: x })).toBe(x);
    expect(moduleDefault({ default: { default: x, __esModule: true } })).toBe(x);
    expect(moduleDefault({ default: { default: x } })).toBe(x);
    // A default export that merely has a "default" key among others is left alone.
    const own = { default: 1, other: 2 };
    expect(moduleDefault({ default: own })).toBe(own);
    expect(moduleDefault({})).toBeUndefined();
  });

  it('finds a plugin package installed in the config’s project, not next to the CLI', async () => {
    const project = tempProject('module');
    const marker = join(project, 'plugin-ran');
    installPluginPackage(project, 'vw-plugin-ones', marker);
    const config = join(project, 'run.json');
    writeFileSync(config, JSON.stringify({ ...base, plugins: ['vw-plugin-ones'], outDir: join(project, 'results') }));
    const r = await runCli(['train', '--config', config, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    const missing = join(project, 'missing.json');
    writeFileSync(missing, JSON.stringify({ ...base, plugins: ['vw-plugin-none'] }));
    const bad = await runCli(['train', '--config', missing]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('plugin package "vw-plugin-none" is not installed');
    expect(bad.err).toContain(project);
  });

  it('a run records each plugin module and its config file: specifier as written, resolved file and its SHA-256', async () => {
    const project = tempProject('module');
    installPluginPackage(project, 'vw-plugin-ones', join(project, 'plugin-ran'));
    writeFileSync(join(project, 'local.ts'), pluginSource('local-plugin', join(project, 'local-ran')).replaceAll("'ones'", "'ones-local'"));
    const config = join(project, 'run.json');
    writeFileSync(config, JSON.stringify({ ...base, plugins: ['vw-plugin-ones', './local.ts'], outDir: join(project, 'results') }));
    const r = await runCli(['train', '--config', config, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [runId] = readdirSync(join(project, 'results')).filter((n) => !n.startsWith('.'));
    const runDir = join(project, 'results', runId!);
    const expected = [
      {
        specifier: 'vw-plugin-ones',
        resolvedPath: join(project, 'node_modules', 'vw-plugin-ones', 'index.js'),
        sha256: createHash('sha256')
          .update(readFileSync(join(project, 'node_modules', 'vw-plugin-ones', 'index.js')))
          .digest('hex'),
      },
      {
        specifier: './local.ts',
        resolvedPath: join(project, 'local.ts'),
        sha256: createHash('sha256')
          .update(readFileSync(join(project, 'local.ts')))
          .digest('hex'),
      },
    ];
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).plugins).toEqual(expected);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).plugins).toEqual(expected);
    // The config file is recorded the same way (a .ts config is code that ran too).
    const configFile = { specifier: config, resolvedPath: config, sha256: createHash('sha256').update(readFileSync(config)).digest('hex') };
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).configFile).toEqual(configFile);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).configFile).toEqual(configFile);
  });

  it('list --plugin <package> lists the stages and options of a plugin installed where the user is', async () => {
    const project = tempProject('module');
    installPluginPackage(project, 'vw-plugin-ones', join(project, 'plugin-ran'));
    const r = await voxelwise(['list', '--plugin', 'vw-plugin-ones'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('extractor:');
    expect(r.stdout).toMatch(/ones\s+A column of ones per word \(test plugin\)\. \(plugin vw-plugin-ones\)/);
    expect(r.stdout).toContain('width: integer (default 2)');
    // Only the plugin's stages.
    expect(r.stdout).not.toContain('ridge-cv');
  }, 60_000);

  for (const type of ['module', 'commonjs'] as const) {
    it(`.ts config and .ts plugin in a ${type} project; config show imports plugins only with --plugins`, async () => {
      const project = tempProject(type);
      const marker = join(project, 'plugin-ran');
      writeFileSync(join(project, 'plugin.ts'), pluginSource('ones-plugin', marker));
      writeFileSync(
        join(project, 'voxelwise.config.ts'),
        `const config = ${JSON.stringify({ ...base, plugins: ['./plugin.ts'] })};\nexport default config;\n`,
      );
      const shown = await voxelwise(['config', 'show', '-c', 'voxelwise.config.ts', '--json'], project);
      expect(shown.code).toBe(0);
      expect(shown.stderr).toContain('not importing the 1 plugin module(s)');
      expect(JSON.parse(shown.stdout).features[0]).toEqual({ name: 'ones', options: {} });
      expect(existsSync(marker)).toBe(false);

      const checked = await voxelwise(['config', 'show', '-c', 'voxelwise.config.ts', '--plugins', '--json'], project);
      expect(checked.stderr).toBe('');
      expect(checked.code).toBe(0);
      expect(JSON.parse(checked.stdout).features[0]).toEqual({ name: 'ones', options: { width: 2 } });
      expect(existsSync(marker)).toBe(true);
      rmSync(marker);

      const bad = join(project, 'bad.config.ts');
      writeFileSync(
        bad,
        `export default ${JSON.stringify({ ...base, features: [{ name: 'ones', options: { width: 0 } }], plugins: ['./plugin.ts'] })};\n`,
      );
      const rejected = await voxelwise(['config', 'show', '-c', 'bad.config.ts', '--plugins'], project);
      expect(rejected.code).toBe(2);
      expect(rejected.stderr).toContain('option "width"');
    }, 60_000);
  }
});
