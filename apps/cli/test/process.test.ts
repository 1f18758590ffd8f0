import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, voxelwise } from './temp-project.js';

// The real `voxelwise` process, through the launcher npm links as node_modules/.bin/voxelwise:
// exit codes as a shell sees them, paths from the user's folder.
describe('voxelwise process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vw-proc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs from a sub-folder of the clone, and reads relative paths from the working directory', async () => {
    const help = await voxelwise(['--help'], join(repoRoot, 'packages'));
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('voxelwise <command> --help');
    // bad.json exists only in `dir`: found, so the path was read from there.
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ assembly: { name: 'simulated' }, features: [{ name: 'wordrat' }] }));
    const r = await voxelwise(['train', '--config', 'bad.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_STAGE_UNKNOWN');
    const unknown = await voxelwise(['runs', 'ls', '--frobnicate'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('runs does not take --frobnicate');
  }, 60_000);

  it('exits 130 when interrupted with SIGINT (sent to the launcher, which forwards it)', async () => {
    let sent = false;
    const r = await voxelwise(['demo', '--out', join(dir, 'results')], dir, (text, child) => {
      // Interrupt once the run has started (its first line names the run).
      if (!sent && /run /.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
  }, 120_000);

  it('dies of the signal the CLI died of (SIGTERM sent to the launcher)', async () => {
    let sent = false;
    const r = await voxelwise(['demo', '--out', join(dir, 'results-term')], dir, (_text, child) => {
      if (!sent) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(sent).toBe(true);
    expect([r.code, r.signal]).toEqual([null, 'SIGTERM']);
  }, 120_000);

  it('loads no command module for --help, nothing heavy for a command’s --help, and no model runtime for list', () => {
    const heavy =
      /apache-arrow|@huggingface|onnxruntime|h5wasm|packages\/(assembly|features-lm|features-basic|downsample|ridge|logger-wandb|trainer|io)\//;
    const loaded = (args: string[]): string[] => {
      const trace = join(dir, `trace-${args.join('-')}.txt`);
      rmSync(trace, { force: true });
      const r = spawnSync(
        process.execPath,
        [
          '--conditions=@voxelwise/source',
          '--import',
          'tsx',
          '--import',
          './apps/cli/test/fixtures/trace-modules.mjs',
          'apps/cli/src/bin.ts',
          ...args,
        ],
        { cwd: repoRoot, env: { ...process.env, VOXELWISE_TRACE_MODULES: trace }, encoding: 'utf8' },
      );
      expect(r.status).toBe(0);
      return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    };
    const top = loaded(['--help']);
    expect(top.filter((u) => u.includes('/apps/cli/src/commands/'))).toEqual([expect.stringMatching(/commands\/index\.ts$/)]);
    expect(top.filter((u) => u.includes('node_modules') || u.includes('/packages/'))).toEqual([]);
    // A command's help loads its module and the option table, not even core (list's names the stage kinds).
    for (const c of ['train', 'config', 'assembly', 'features']) {
      expect(loaded([c, '--help']).filter((u) => u.includes('node_modules') || u.includes('/packages/'))).toEqual([]);
    }
    expect(loaded(['list', '--help']).filter((u) => heavy.test(u))).toEqual([]);
    const list = loaded(['list']);
    expect(list.some((u) => u.includes('/packages/ridge/'))).toBe(true);
    expect(list.filter((u) => /@huggingface|onnxruntime|h5wasm/.test(u))).toEqual([]);
  }, 60_000);
});
