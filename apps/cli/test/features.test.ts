import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryAssembly, memoryStory } from '@voxelwise/core';
import { writeAssembly } from '@voxelwise/assembly';
import { createTinyGpt2 } from '@voxelwise/features-lm';
import { runCli } from './run-cli.js';

const run = runCli;

function story(name: string, text: string) {
  const words = text.split(' ');
  const onset = Float64Array.from(words, (_, i) => 0.5 + i * 0.4);
  const offset = Float64Array.from(words, (_, i) => 0.8 + i * 0.4);
  const nTr = Math.ceil((words.length * 0.4 + 2) / 2);
  return memoryStory({
    name,
    words: { text: words, onset, offset },
    trTimes: Float64Array.from({ length: nTr }, (_, i) => 1 + 2 * i),
    trim: { start: 0, end: 0 },
    responses: { rows: nTr, cols: 3, data: Float32Array.from({ length: nTr * 3 }, (_, i) => Math.sin(i)) },
  });
}

describe('voxelwise features / cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vw-cli-features-'));
  const cacheDir = join(dir, 'cache');
  let modelDir: string;
  let assemblyDir: string;
  beforeAll(async () => {
    modelDir = (await createTinyGpt2(join(dir, 'tiny'), { seed: 2, layers: 2, dModel: 16, heads: 2, positions: 64 })).dir;
    assemblyDir = join(dir, 'assembly');
    const stories = [
      story('alpha', 'the cat sat on the mat and looked out of the window'),
      story('beta', 'a dog ran  across the field chasing a red ball'),
    ];
    await writeAssembly(memoryAssembly({ subject: 'S01', tr: 2, nVoxels: 3 }, stories, ['beta']), assemblyDir);
  });

  it('features extract fills the cache for every story, then finds it there', async () => {
    const args = [
      'features',
      'extract',
      '--assembly',
      assemblyDir,
      '--model',
      modelDir,
      '--layers',
      'all',
      '--lookback',
      '8',
      '--cache-dir',
      cacheDir,
      '--quiet',
    ];
    const first = await run(args);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/gpt2, 3 layers × 16/);
    expect(first.out).toMatch(/alpha\s+12 words\s+computed/);
    expect(first.out).toMatch(/beta\s+11 words\s+computed/);
    const second = await run(args);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/alpha\s+12 words\s+cached/);
    const json = JSON.parse((await run([...args, '--json', '--stories', 'beta', '--memory-budget', '1GiB'])).out) as {
      stories: Array<{ story: string; cached: boolean }>;
      memoryBudget: number;
    };
    expect(json.stories).toEqual([expect.objectContaining({ story: 'beta', cached: true })]);
    // One size parser for every command: GiB = 2³⁰, GB = 10⁹ (this command used to read GB as 2³⁰).
    expect(json.memoryBudget).toBe(2 ** 30);
    const si = JSON.parse((await run([...args, '--json', '--stories', 'beta', '--memory-budget', '8GB'])).out) as { memoryBudget: number };
    expect(si.memoryBudget).toBe(8e9);
    const bad = await run([...args, '--memory-budget', '8 gigabytes']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--memory-budget "8 gigabytes" is not a size');
  });

  it('cache ls and verify list the files; verify exits 1 on a damaged file; clear removes', async () => {
    const ls = await run(['cache', 'ls', '--cache-dir', cacheDir]);
    expect(ls.code).toBe(0);
    expect(ls.out).toMatch(/alpha .*fullcontext\s+8\s+lastToken\s+3×16\s+12/);
    expect(ls.out).toMatch(/2 files/);
    expect((await run(['cache', 'verify', '--cache-dir', cacheDir])).code).toBe(0);

    const files = readdirSync(join(cacheDir, 'features-lm')).filter((f) => f.endsWith('.arrow'));
    const victim = join(cacheDir, 'features-lm', files[0]!);
    const bytes = readFileSync(victim);
    bytes.fill(7, 600, 700);
    writeFileSync(victim, bytes);
    const verify = await run(['cache', 'verify', '--cache-dir', cacheDir]);
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(/1 ok, 1 invalid/);
    expect((await run(['cache', 'clear', '--invalid', '--cache-dir', cacheDir])).out).toMatch(/removed 1 file/);
    expect((await run(['cache', 'clear', '--cache-dir', cacheDir])).out).toMatch(/removed 1 file/);
    expect((await run(['cache', 'ls', '--cache-dir', cacheDir])).out).toMatch(/no cached features/);
  });

  it('usage errors exit 2 with a message', async () => {
    const noModel = await run(['features', 'extract', '--assembly', assemblyDir]);
    expect(noModel.code).toBe(2);
    expect(noModel.err).toMatch(/--model/);
    const badLayers = await run([
      'features',
      'extract',
      '--assembly',
      assemblyDir,
      '--model',
      modelDir,
      '--layers',
      '7',
      '--cache-dir',
      cacheDir,
      '--quiet',
    ]);
    expect(badLayers.code).toBe(2);
    expect(badLayers.err).toMatch(/layers 0\.\.2/);
    const badContext = await run(['features', 'extract', '--assembly', assemblyDir, '--model', modelDir, '--context', 'full']);
    expect(badContext.code).toBe(2);
    expect(badContext.err).toMatch(/contextType/);
    expect((await run(['cache', 'purge'])).code).toBe(2);
    expect(
      (
        await run([
          'features',
          'extract',
          '--assembly',
          assemblyDir,
          '--model',
          modelDir,
          '--stories',
          'gamma',
          '--cache-dir',
          cacheDir,
          '--quiet',
        ])
      ).code,
    ).toBe(2);
  });

  it('a model that cannot be found exits 1 with E_MODEL_LOAD', async () => {
    const r = await run([
      'features',
      'extract',
      '--assembly',
      assemblyDir,
      '--model',
      join(dir, 'missing-model'),
      '--cache-dir',
      cacheDir,
      '--quiet',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/E_MODEL_LOAD/);
  });
});
