import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTEXT_TYPES } from '@voxelwise/features-lm';
import { commands } from '../src/commands/index.js';
import { CONTEXT_HELP } from '../src/commands/features.js';
import { formatHelp, parseOptions } from '../src/options.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vw-cli-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('option tables', () => {
  it('parse and print from one table', () => {
    const table = {
      config: { type: 'string', short: 'c', value: '<file>', description: 'The config' },
      plugin: { type: 'string', multiple: true, value: '<module>', description: 'A plugin\nrepeatable' },
      json: { type: 'boolean', description: 'JSON' },
    } as const;
    const { values, positionals } = parseOptions('x', table, ['-c', 'a.json', '--plugin', 'p', '--plugin', 'q', 'pos', '--json']);
    expect(values).toEqual({ config: 'a.json', plugin: ['p', 'q'], json: true });
    expect(positionals).toEqual(['pos']);
    expect(() => parseOptions('x', table, ['--jsn'])).toThrow('x does not take --jsn (options: --config, --plugin, --json)');
    expect(() => parseOptions('x', table, ['pos'], { positionals: false })).toThrow('x takes no positional arguments');
    expect(formatHelp({ usage: ['voxelwise x'], options: table })).toBe(
      `voxelwise x

Options:
  -c, --config <file>  The config
  --plugin <module>    A plugin
                       repeatable
  --json               JSON
  -h, --help           Show this help
`,
    );
  });

  it('every command refuses an unknown option with exit 2, naming it', async () => {
    for (const name of Object.keys(commands)) {
      const sub = { assembly: ['info'], features: ['extract'], cache: ['ls'], runs: ['ls'], config: ['show'], wandb: ['sync'] }[name] ?? [];
      const r = await runCli([name, ...sub, '--no-such-flag']);
      expect([name, r.code]).toEqual([name, 2]);
      expect(r.err).toContain('does not take --no-such-flag');
    }
  });

  it('every command has help that shows its options and examples', async () => {
    for (const name of Object.keys(commands)) {
      const h = await runCli([name, '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toContain(`voxelwise ${name}`);
      expect(h.out).toContain('-h, --help');
    }
    expect((await runCli(['help', 'train'])).out).toBe((await runCli(['train', '--help'])).out);
    const one = await runCli(['assembly', 'simulate', '--help']);
    expect(one.out).toMatch(/^voxelwise assembly simulate --out <dir>/);
    expect(one.out).toContain('--planted-fraction <f>');
    expect(one.out).not.toContain('import-lebel');
  });

  it('the help of features extract names every context policy of features-lm', () => {
    expect([...CONTEXT_HELP]).toEqual([...CONTEXT_TYPES]);
  });

  it('--memory-budget means the same in train and config show (GB = 10⁹, GiB = 2³⁰) and names itself when wrong', async () => {
    const config = join(dir, 'run.json');
    writeFileSync(
      config,
      JSON.stringify({
        outDir: join(dir, 'results'),
        assembly: { name: 'simulated', options: { voxels: 4, stories: 3, duration: 60 } },
        features: [{ name: 'wordrate' }],
      }),
    );
    const bad = await runCli(['train', '--config', config, '--memory-budget', '8 gigabytes']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--memory-budget "8 gigabytes" is not a size');
    const shown = await runCli(['config', 'show', '-c', config, '--memory-budget', '2GiB', '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out).memoryBudget).toBe('2GiB');
    const ran = await runCli(['train', '--config', config, '--memory-budget', '1GiB', '--quiet']);
    expect(ran.code).toBe(0);
    const runDir = /results in (\S+)/.exec(ran.out)![1]!;
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).memoryBudget).toBe('1GiB');
  });
});
