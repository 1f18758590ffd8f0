import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vw-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'errors', private: true, type: 'module' }));

const base = {
  assembly: { name: 'simulated', options: { voxels: 4, stories: 3, duration: 60 } },
  features: [{ name: 'wordrate' }],
};

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A stack trace line, as Node prints them. */
const STACK = /^\s+at /m;

describe('failures end in a coded message naming the file, never a stack trace', () => {
  it('a .ts config that throws while loading: E_CONFIG_INVALID, exit 2', async () => {
    const path = file('throws.config.ts', `throw new Error('boom while loading');\nexport default {};\n`);
    const r = await runCli(['train', '-c', path]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error E_CONFIG_INVALID: \[cli:config\] config module .*throws\.config\.ts failed to load: boom while loading/);
    expect(r.err).not.toMatch(STACK);
  });

  it('a .ts config with a syntax error, and a JSON config with one: exit 2 naming the file', async () => {
    const ts = file('syntax.config.ts', `export default {\n  assembly: { name: 'simulated' \n`);
    const r = await runCli(['config', 'show', '-c', ts]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('E_CONFIG_INVALID');
    expect(r.err).toContain('syntax.config.ts');
    expect(r.err).not.toMatch(STACK);
    const json = file('syntax.json', '{ "assembly": ');
    const j = await runCli(['train', '-c', json]);
    expect(j.code).toBe(2);
    expect(j.err).toContain('syntax.json is not valid JSON');
  });

  it('an unreadable config (a folder where the file should be): exit 2 naming it', async () => {
    for (const name of ['folder.json', 'folder.config.ts']) {
      mkdirSync(join(dir, name));
      const r = await runCli(['train', '-c', join(dir, name)]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('E_CONFIG_INVALID');
      expect(r.err).toContain(name);
      expect(r.err).not.toMatch(STACK);
    }
  });

  it('a plugin that throws while loading: E_CONFIG_INVALID naming the plugin and its file', async () => {
    file('bad-plugin.ts', `throw new TypeError('plugin exploded');\n`);
    const config = file('with-bad-plugin.json', JSON.stringify({ ...base, plugins: ['./bad-plugin.ts'] }));
    const r = await runCli(['train', '-c', config]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('plugin "./bad-plugin.ts" failed to load');
    expect(r.err).toContain(join(dir, 'bad-plugin.ts'));
    expect(r.err).toContain('plugin exploded');
    expect(r.err).not.toMatch(STACK);
  });

  it('an output folder that cannot be written: E_IO at run time, exit 1', async () => {
    const blocker = file('not-a-folder', 'x');
    const config = file('ok.json', JSON.stringify(base));
    const r = await runCli(['train', '-c', config, '--out', join(blocker, 'results'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('E_IO');
    expect(r.err).toContain(join(blocker, 'results'));
    expect(r.err).not.toMatch(STACK);
  });

  it('an unexpected error is E_INTERNAL without a stack; --debug and VOXELWISE_DEBUG=1 add it', async () => {
    file(
      'crash-plugin.ts',
      `export default { kind: 'extractor', name: 'crash', options: { safeParse: (x) => ({ success: true, data: x }), parse: (x) => x },
  create: () => ({ id: 'crash', level: 'word', extract() { throw new RangeError('extractor crashed'); } }) };\n`,
    );
    const config = file('crash.json', JSON.stringify({ ...base, features: [{ name: 'crash' }], plugins: ['./crash-plugin.ts'] }));
    const r = await runCli(['train', '-c', config, '--quiet', '--out', join(dir, 'results')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('extractor crashed');
    expect(r.err).not.toMatch(STACK);
    const d = await runCli(['train', '-c', config, '--quiet', '--out', join(dir, 'results'), '--debug']);
    expect(d.code).toBe(1);
    expect(d.err).toMatch(STACK);
    process.env['VOXELWISE_DEBUG'] = '1';
    try {
      expect((await runCli(['train', '-c', config, '--quiet', '--out', join(dir, 'results')])).err).toMatch(STACK);
    } finally {
      delete process.env['VOXELWISE_DEBUG'];
    }
  });
});
