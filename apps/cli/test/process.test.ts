import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real `voxelwise` process: exit codes as a shell sees them.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'apps', 'cli', 'src', 'bin.ts');

function voxelwise(
  args: string[],
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@voxelwise/source', '--import', 'tsx', bin, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('voxelwise process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vw-proc-'));

  it('exits 2 for a config naming an unknown stage', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ assembly: { name: 'simulated' }, features: [{ name: 'wordrat' }] }));
    const r = await voxelwise(['train', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_STAGE_UNKNOWN');
  });

  it('exits 130 when interrupted with SIGINT', async () => {
    let sent = false;
    const r = await voxelwise(['demo', '--out', join(dir, 'results')], (text, child) => {
      // Interrupt once the run has started (its first line names the run).
      if (!sent && /run /.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
  });
});
