import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { applyMask, encodeNifti1, maskFromImage, readNifti } from '@voxelwise/neuroimaging';
import { importLpp, openAssembly, openLpp, parseLppWords, writeSimulatedLpp } from '../src/index.js';
import { tmp } from './helpers.js';

describe('LPP word annotation', () => {
  it('sorts each section by onset (stable), never by a hash order, and cuts overlapping offsets', () => {
    const csv = 'Word,Onset,Offset,Section\nthe,1.5,1.7,2\n"a, b",1.0,1.6,2\nprince,2.0,2.5,2\nfox,0.5,0.9,1\nequal,1.5,1.8,2\n';
    const sections = parseLppWords(new TextEncoder().encode(csv), 'words.csv');
    expect([...sections.keys()].sort()).toEqual([1, 2]);
    const s2 = sections.get(2)!;
    expect(s2.words.text).toEqual(['a, b', 'the', 'equal', 'prince']);
    expect(Array.from(s2.words.onset)).toEqual([1, 1.5, 1.5, 2]);
    // "a, b" ran to 1.6, past the next onset 1.5; "the" ran to 1.7, past "equal" at 1.5.
    expect(Array.from(s2.words.offset)).toEqual([1.5, 1.5, 1.8, 2.5]);
    expect(s2.reordered).toBe(2);
    expect(s2.overlapsFixed).toBe(2);
    const tsv = parseLppWords(new TextEncoder().encode('word\tonset\tsection\nhi\t3\t1\n'), 'w.tsv').get(1)!;
    expect(Array.from(tsv.words.offset)).toEqual([3]);
  });

  it('names the file and line of a bad annotation', async () => {
    await expectVoxelwiseError(
      () => parseLppWords(new TextEncoder().encode('token,time\n'), 'ann.csv'),
      'E_FILE_FORMAT',
      /ann\.csv/,
      /word, onset and section/,
    );
    await expectVoxelwiseError(
      () => parseLppWords(new TextEncoder().encode('word,onset,offset,section\na,1,2,1\nb,x,3,1\n'), 'ann.csv'),
      'E_FILE_FORMAT',
      /line 3/,
    );
  });
});

describe('Le Petit Prince (ds003643 layout)', () => {
  const root = join(tmp('vw-lpp-'), 'ds003643');
  const simulated = writeSimulatedLpp({ seed: 5, stories: 3, duration: 80, shape: [14, 16, 14], regionRadius: 10 }, root);

  it('opens the simulated subject: one story per run, volume geometry, trim [5:-5], words in onset order', async () => {
    const sim = await simulated;
    const a = await openLpp({ root, subject: sim.subject });
    expect(a.storyNames).toEqual(['lppEN_run-1', 'lppEN_run-2', 'lppEN_run-3']);
    expect(a.testStories).toEqual([]);
    expect(a.metadata.defaultSplit).toBe('nested-cv');
    expect(a.metadata.tr).toBe(2);
    expect(a.metadata.trimming).toBe('lpp-litcoder');
    expect((a.metadata['groundTruth'] as { planted: number[] }).planted.flatMap((p, c) => (p ? [c] : []))).toEqual(sim.truth.planted);
    const func = join(root, `derivatives/${sim.subject}/func`);
    const maskFile = join(
      func,
      readdirSync(func).find((f) => f.includes('run-1_') && f.endsWith('brain_mask.nii.gz'))!,
    );
    const boldFile = join(
      func,
      readdirSync(func).find((f) => f.includes('run-2_') && f.endsWith('preproc_bold.nii.gz'))!,
    );
    const mask = maskFromImage(await readNifti(maskFile));
    expect(a.metadata.nVoxels).toBe(mask.indices.length);
    const g = a.metadata.geometry!;
    expect(g.kind).toBe('volume');
    if (g.kind !== 'volume') return;
    expect(g.shape).toEqual([14, 16, 14]);
    expect(g.zooms).toEqual([4, 4, 4]);
    expect(g.affine.slice(0, 4)).toEqual([4, 0, 0, -26]);
    // The runs share one mask: it is the geometry's mask file.
    expect(g.maskFile).toBe(maskFile);
    const s = await a.story('lppEN_run-2');
    expect(s.trim).toEqual({ start: 5, end: 5 });
    for (let j = 1; j < s.words.onset.length; j++) expect(s.words.onset[j]!).toBeGreaterThanOrEqual(s.words.onset[j - 1]!);
    const bold = await readNifti(boldFile);
    const nt = bold.header.shape[3]!;
    expect(s.trTimes.length).toBe(nt);
    expect(s.nResponseRows).toBe(nt - 10);
    const all = await s.responses();
    expect(Array.from(all.data)).toEqual(Array.from(applyMask(bold, mask, { start: 5, end: nt - 5 })));
  });

  it('plants the region where the importer puts its columns', async () => {
    const sim = await simulated;
    const a = await openLpp({ root, subject: sim.subject });
    const g = a.metadata.geometry!;
    if (g.kind !== 'volume') throw new Error('volume expected');
    const mask = maskFromImage(await readNifti(g.maskFile!));
    const [nx, ny] = g.shape;
    expect(sim.truth.planted.length).toBeGreaterThan(3);
    for (const col of sim.truth.planted) {
      const i = mask.indices[col]!;
      const [x, y, z] = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
      const world = [0, 1, 2].map((r) => g.affine[4 * r]! * x + g.affine[4 * r + 1]! * y + g.affine[4 * r + 2]! * z + g.affine[4 * r + 3]!);
      expect(Math.hypot(...world.map((w, k) => w - sim.truth.region.center[k]!))).toBeLessThanOrEqual(sim.truth.region.radius + 1e-9);
    }
  });

  it('intersects differing run masks and stores the intersection with the imported assembly', async () => {
    const sim = await simulated;
    const copy = join(tmp('vw-lpp-masks-'), 'ds');
    cpSync(root, copy, { recursive: true });
    const func = join(copy, `derivatives/${sim.subject}/func`);
    const m3 = join(
      func,
      readdirSync(func).find((f) => f.includes('run-3_') && f.endsWith('brain_mask.nii.gz'))!,
    );
    const img = await readNifti(m3);
    const data = Uint8Array.from(img.data as Uint8Array);
    const first = data.indexOf(1);
    data[first] = 0;
    writeFileSync(m3, encodeNifti1({ data, shape: img.header.shape, affine: img.affine, source: img.header, gzip: true }));
    const a = await openLpp({ root: copy, subject: sim.subject });
    const full = (await simulated).truth;
    expect(full).toBeDefined();
    const g = a.metadata.geometry!;
    if (g.kind !== 'volume') throw new Error('volume expected');
    expect(g.maskFile).toBeUndefined();
    const out = join(tmp('vw-lpp-out-'), 'lpp.vw');
    await importLpp({ root: copy, subject: sim.subject }, out);
    const imported = await openAssembly(out);
    const ig = imported.metadata.geometry!;
    if (ig.kind !== 'volume') throw new Error('volume expected');
    expect(ig.maskFile).toBe(join(out, 'mask.nii.gz'));
    const stored = maskFromImage(await readNifti(ig.maskFile!));
    expect(stored.indices.length).toBe(imported.metadata.nVoxels);
    expect(stored.indices.includes(first)).toBe(false);
    const [x, y] = [await (await imported.story('lppEN_run-1')).responses(), await (await a.story('lppEN_run-1')).responses()];
    expect(Array.from(x.data)).toEqual(Array.from(y.data));
  });

  it('names the subject, annotation or run that does not fit', async () => {
    const sim = await simulated;
    await expectVoxelwiseError(() => openLpp({ root, subject: 'EN999' }), 'E_FILE_NOT_FOUND', /sub-EN999/);
    const copy = join(tmp('vw-lpp-bad-'), 'ds');
    cpSync(root, copy, { recursive: true });
    const ann = join(copy, 'annotation/EN/lppEN_word_information.csv');
    const kept = readFileSync(ann, 'utf8')
      .split('\n')
      .filter((l) => !l.endsWith(',3'));
    writeFileSync(ann, kept.join('\n'));
    await expectVoxelwiseError(() => openLpp({ root: copy, subject: sim.subject }), 'E_ALIGNMENT', /3 lppEN runs/, /2 sections \(1, 2\)/);
    rmSync(ann);
    await expectVoxelwiseError(() => openLpp({ root: copy, subject: sim.subject }), 'E_FILE_NOT_FOUND', /no word annotation/, /--words/);
  });
});
