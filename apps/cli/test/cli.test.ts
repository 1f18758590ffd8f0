import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

function capture() {
  let text = '';
  return { stream: { write: (s: string) => (text += s) }, get text() { return text; } };
}

async function run(args: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(args, { stdout: out.stream, stderr: err.stream });
  return { code, out: out.text, err: err.text };
}

const dir = mkdtempSync(join(tmpdir(), 'vw-cli-'));
function config(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
const base = { outDir: join(dir, 'results'), assembly: { name: 'simulated', options: { voxels: 8, stories: 3, duration: 120 } }, features: [{ name: 'wordrate' }] };

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
    const r = await run(['train', '--config', config('bad-option.json', { ...base, model: { name: 'ridge-cv', options: { nFolds: 'five' } } })]);
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
  });

  it('runs a JSON config end to end', async () => {
    const r = await run(['train', '--config', config('ok.json', base)]);
    expect(r.err).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.out).toContain('median r');
  });

  it('lists stages with options', async () => {
    const r = await run(['list', 'model']);
    expect(r.out).toContain('ridge-cv');
    expect(r.out).toContain('alphaMode');
  });
});
