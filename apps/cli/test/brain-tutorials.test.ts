import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, voxelwise } from './temp-project.js';

const root = mkdtempSync(join(tmpdir(), 'vw-brain-tutorials-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The bash commands and YAML config of one tutorial of the root README, as a reader copies them. */
function tutorial(heading: string, configName: string): { commands: string[][]; yaml: string } {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(`### ${heading}`);
  if (start < 0) throw new Error(`README.md has no "### ${heading}" section`);
  const ends = ['\n### ', '\n## '].map((h) => readme.indexOf(h, start + 4)).filter((i) => i >= 0);
  const section = readme.slice(start, ends.length ? Math.min(...ends) : undefined);
  const bash = /```bash\n([\s\S]*?)```/.exec(section)![1]!;
  const yaml = new RegExp(`\`\`\`yaml\\n(# ${configName.replace('.', '\\.')}\\n[\\s\\S]*?)\`\`\``).exec(section)![1]!;
  const commands = bash
    .split('\n')
    .filter((l) => l.startsWith('voxelwise '))
    .map((l) => l.split(/\s+/).slice(1));
  return { commands, yaml };
}

describe('README tutorials on simulated OpenNeuro layouts', () => {
  for (const [heading, config] of [
    ['Narratives on the cortical surface', 'narratives.yaml'],
    ['Le Petit Prince in MNI space', 'lpp.yaml'],
  ] as const) {
    it(`${heading}: the commands and config run as written (shorter stories), in nested CV`, async () => {
      const { commands, yaml } = tutorial(heading, config);
      expect(commands.map((c) => c.slice(0, 2).join(' '))).toEqual([
        'assembly simulate',
        expect.stringMatching(/^assembly import-(narratives|lpp)$/),
        'assembly info',
        'train --config',
      ]);
      const project = join(root, config.replace('.yaml', ''));
      mkdirSync(project);
      writeFileSync(join(project, config), yaml);
      for (const args of commands) {
        // Shorter stories than the README's defaults keep the test quick; nothing else changes.
        const run = await voxelwise(args[1] === 'simulate' ? [...args, '--duration', '90', '--stories', '3'] : args, project);
        expect(run.stderr).not.toMatch(/\berror\b/i);
        expect(run.code).toBe(0);
      }
      const runs = readdirSync(join(project, 'results')).filter((n) => !n.startsWith('.'));
      expect(runs).toHaveLength(1);
      const record = JSON.parse(readFileSync(join(project, 'results', runs[0]!, 'run.json'), 'utf8')) as { split: { mode: string } };
      expect(record.split.mode).toBe('nested-cv');
    }, 300_000);
  }
});
