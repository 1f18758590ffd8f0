import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const run = runCli;

const dir = mkdtempSync(join(tmpdir(), 'vw-cli-assembly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('voxelwise assembly', () => {
  it('simulates a LeBel layout, imports it, shows it and validates it', async () => {
    const ds = join(dir, 'ds003020');
    const sim = await run([
      'assembly',
      'simulate',
      '--layout',
      'lebel',
      '--out',
      ds,
      '--subject',
      'UTS03',
      '--voxels',
      '30',
      '--stories',
      '3',
      '--duration',
      '40',
      '--seed',
      '4',
    ]);
    expect(sim.err).not.toContain('error');
    expect(sim.code).toBe(0);
    expect(sim.out).toContain('LeBel ds003020 layout');
    expect(sim.out).toContain('import-lebel --root');
    const vw = join(dir, 'UTS03.vw');
    const imp = await run(['assembly', 'import-lebel', '--root', ds, '--subject', 'UTS03', '--out', vw, '--voxel-chunk', '7']);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/subject UTS03, 3 stories, 30 voxels/);
    expect(imp.out).toMatch(/MB\/s of responses/);
    expect(imp.err).toMatch(/assembly\/write/);
    const info = await run(['assembly', 'info', vw]);
    expect(info.code).toBe(0);
    expect(info.out).toMatch(/^subject UTS03 · TR 2 s · 30 voxels · 3 stories · trimming lebel/);
    expect(info.out).toMatch(/story\s+TRs\s+rows\s+trim\s+words\s+voxels\s+size/);
    expect(info.out).toMatch(/wheretheressmoke\s+\d+\s+\d+\s+10\/5\s+\d+\s+30\s+[\d.]+ MB\s+test/);
    const raw = await run(['assembly', 'info', '--layout', 'lebel', '--root', ds, '--subject', 'UTS03', '--json']);
    expect(JSON.parse(raw.out).stories).toHaveLength(3);
    const ok = await run(['assembly', 'validate', vw]);
    expect(ok.out).toContain('3 stories, 30 voxels: valid (0 errors, 0 warnings)');
    expect(ok.code).toBe(0);
    // Damage a file: validate reports it and exits 1.
    const manifest = JSON.parse(readFileSync(join(vw, 'assembly.json'), 'utf8'));
    const words = join(vw, manifest.stories[1].files.words.path);
    writeFileSync(words, Buffer.concat([readFileSync(words), Buffer.from([0])]));
    const bad = await run(['assembly', 'validate', vw]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('words.arrow changed since it was written (story "story02")');
    // Reading the story checks the file against the manifest's hash too (before decoding it).
    expect(bad.out).toMatch(/\[assembly:arrow\] \S+words\.arrow changed since it was written/);
    expect(bad.out).toContain('INVALID (2 errors, 0 warnings)');
  });

  it('simulates the native format and imports a bring-your-own dataset', async () => {
    const vw = join(dir, 'sim.vw');
    const r = await run([
      'assembly',
      'simulate',
      '--out',
      vw,
      '--voxels',
      '12',
      '--stories',
      '2',
      '--duration',
      '30',
      '--features',
      'embedding',
      '--test-repeats',
      '2',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ground-truth.arrow');
    const byo = join(dir, 'byo');
    const story = join(byo, 'tale');
    (await import('node:fs')).mkdirSync(story, { recursive: true });
    writeFileSync(join(story, 'words.tsv'), 'word\tonset\toffset\nonce\t0.2\t0.5\nupon\t0.6\t0.9\n');
    const { encodeNpy } = await import('@voxelwise/assembly');
    writeFileSync(
      join(story, 'responses.npy'),
      encodeNpy({ rows: 4, cols: 3, data: Float32Array.from({ length: 12 }, (_, k) => Math.sin(k)) }),
    );
    const imp = await run(['assembly', 'import', '--layout', 'byo', '--root', byo, '--tr', '1.5', '--out', join(dir, 'byo.vw')]);
    expect(imp.err).not.toContain('error');
    expect(imp.code).toBe(0);
    expect((await run(['assembly', 'info', join(dir, 'byo.vw')])).out).toMatch(/tale\s+4\s+4\s+0\/0\s+2\s+3/);
  });

  it('simulates the Narratives and Le Petit Prince layouts, imports them with their geometry and nested CV by default', async () => {
    const narr = join(dir, 'ds002345');
    const sim = await run([
      'assembly',
      'simulate',
      '--layout',
      'narratives',
      '--out',
      narr,
      '--ico-order',
      '2',
      '--stories',
      '3',
      '--duration',
      '60',
    ]);
    expect(sim.code).toBe(0);
    expect(sim.out).toContain('import it with: voxelwise assembly import-narratives --root');
    expect(sim.out).toContain('--space fsaverage2');
    const imp = await run([
      'assembly',
      'import-narratives',
      '--root',
      narr,
      '--subject',
      'sub-001',
      '--space',
      'fsaverage2',
      '--out',
      join(dir, 'narr.vw'),
    ]);
    expect([imp.code, imp.err.includes('error')]).toEqual([0, false]);
    const manifest = JSON.parse(readFileSync(join(dir, 'narr.vw', 'assembly.json'), 'utf8')) as {
      metadata: Record<string, unknown>;
      testStories: string[];
    };
    expect(manifest.testStories).toEqual([]);
    expect(manifest.metadata['defaultSplit']).toBe('nested-cv');
    expect((manifest.metadata['geometry'] as { kind: string; space: string }).space).toBe('fsaverage2');
    const info = await run([
      'assembly',
      'info',
      '--layout',
      'narratives',
      '--root',
      narr,
      '--subject',
      '001',
      '--space',
      'fsaverage2',
      '--trim',
      '10:5',
    ]);
    expect(info.code).toBe(0);
    expect(info.out).toMatch(/pieman\s+\d+\s+\d+\s+10\/5/);

    const lpp = join(dir, 'ds003643');
    expect(
      (await run(['assembly', 'simulate', '--layout', 'lpp', '--out', lpp, '--stories', '2', '--duration', '50', '--shape', '10,12,10']))
        .code,
    ).toBe(0);
    const lppImp = await run(['assembly', 'import-lpp', '--root', lpp, '--subject', 'sub-EN001', '--out', join(dir, 'lpp.vw')]);
    expect([lppImp.code, lppImp.err.includes('error')]).toEqual([0, false]);
    const valid = await run(['assembly', 'validate', join(dir, 'lpp.vw')]);
    expect([valid.code, valid.out]).toEqual([0, expect.stringMatching(/2 stories, \d+ voxels: valid/)]);

    const vol = join(dir, 'ds002345-mni');
    const simVol = await run([
      'assembly',
      'simulate',
      '--layout',
      'narratives',
      '--space',
      'MNI152NLin2009cAsym',
      '--shape',
      '8,10,8',
      '--out',
      vol,
      '--stories',
      '2',
      '--duration',
      '40',
    ]);
    expect([simVol.code, simVol.out]).toEqual([0, expect.stringContaining('space MNI152NLin2009cAsym')]);
    const volImp = await run([
      'assembly',
      'import-narratives',
      '--root',
      vol,
      '--subject',
      'sub-001',
      '--space',
      'MNI152NLin2009cAsym',
      '--out',
      join(dir, 'mni.vw'),
    ]);
    expect([volImp.code, volImp.err.includes('error')]).toEqual([0, false]);
    expect((await run(['assembly', 'simulate', '--layout', 'narratives', '--out', join(dir, 'z'), '--shape', '8,8,8'])).err).toContain(
      '--shape and --voxel-size apply to volumes',
    );
    expect((await run(['assembly', 'simulate', '--layout', 'lpp', '--out', join(dir, 'y'), '--voxels', '10'])).err).toContain(
      '--voxels does not apply to --layout lpp',
    );
    expect((await run(['assembly', 'info', '--layout', 'lpp', '--root', lpp, '--subject', 'EN001', '--trim', 'five'])).err).toContain(
      '--trim must be litcoder, none or <start>:<end>',
    );
  });

  it('exits 2 on usage errors and 1 on data errors, naming what is wrong', async () => {
    expect((await run(['assembly'])).err).toContain(
      'assembly needs a subcommand: import-lebel, import-narratives, import-lpp, import, info, simulate, validate',
    );
    const noOut = await run(['assembly', 'import-lebel', '--root', dir, '--subject', 'UTS03']);
    expect([noOut.code, noOut.err]).toEqual([2, 'error E_USAGE: [cli] assembly import-lebel needs --out.\n']);
    expect((await run(['assembly', 'simulate', '--out', join(dir, 'x'), '--voxels', 'ten'])).err).toContain(
      '--voxels must be an integer (got "ten")',
    );
    expect((await run(['assembly', 'info', join(dir, 'x'), '--tr', '2', '--frobnicate'])).code).toBe(2);
    const missing = await run(['assembly', 'import-lebel', '--root', join(dir, 'nowhere'), '--subject', 'UTS03', '--out', join(dir, 'o')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('E_FILE_NOT_FOUND');
    expect((await run(['assembly', '--help'])).out).toContain(
      'voxelwise assembly import-lebel --root <ds003020> --subject <UTS03> --out <dir>',
    );
  });
});
