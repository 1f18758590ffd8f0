import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import type { EventSink } from '@voxelwise/core';
import { readGifti } from '@voxelwise/neuroimaging';
import {
  importNarratives,
  openAssembly,
  openNarratives,
  parseGentleAlign,
  summarizeAssembly,
  summaryHeadline,
  writeSimulatedNarratives,
} from '../src/index.js';
import { tmp } from './helpers.js';

const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));

describe('Gentle align.json', () => {
  const words = [
    { word: 'Once', alignedWord: 'once', case: 'success', start: 1, end: 1.3 },
    { word: 'upon', case: 'not-found-in-audio' },
    { word: 'a', case: 'not-found-in-audio' },
    { word: 'time', alignedWord: 'time', case: 'success', start: 1.9, end: 2.2 },
    { word: 'there', alignedWord: 'there', case: 'success', start: 2.1, end: 2.5 },
    { word: 'lived', case: 'not-found-in-audio' },
  ];

  it('keeps words not found in the audio, timed evenly between their aligned neighbours', () => {
    const { words: w, unaligned, overlapsFixed } = parseGentleAlign(enc({ words }), 'align.json');
    expect(w.text).toEqual(['Once', 'upon', 'a', 'time', 'there', 'lived']);
    expect(w.lower).toEqual(['once', 'upon', 'a', 'time', 'there', 'lived']);
    expect(Array.from(w.onset)).toEqual([1, 1.3, 1.6, 1.9, 2.2, 2.5]);
    expect(Array.from(w.offset).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([1.3, 1.6, 1.9, 2.2, 2.5, 2.5]);
    expect(unaligned).toBe(3);
    // "there" started at 2.1, before "time" ended (2.2): its onset moves to 2.2.
    expect(overlapsFixed).toBe(1);
  });

  it('drops them on request, and names the file when it is not Gentle output', async () => {
    expect(parseGentleAlign(enc({ words }), 'a.json', 'drop').words.text).toEqual(['Once', 'time', 'there']);
    await expectVoxelwiseError(() => parseGentleAlign(new TextEncoder().encode('{'), 'x/align.json'), 'E_FILE_FORMAT', /x\/align\.json/);
    await expectVoxelwiseError(() => parseGentleAlign(enc({ transcript: 'a' }), 'y/align.json'), 'E_FILE_FORMAT', /no "words" array/);
    await expectVoxelwiseError(
      () => parseGentleAlign(enc({ words: [{ word: 'a', case: 'not-found-in-audio' }] }), 'z.json'),
      'E_DATA_INVALID',
      /no word is aligned/,
    );
  });
});

describe('Narratives (ds002345 layout)', () => {
  const root = join(tmp('vw-narratives-'), 'ds002345');
  const simulated = writeSimulatedNarratives({ seed: 3, icoOrder: 2, stories: 3, duration: 80 }, root);

  it('opens the simulated subject: surface geometry, trim [14:-9], TR grid on the stimulus clock, no test story', async () => {
    const sim = await simulated;
    const logs: string[] = [];
    const emit: EventSink = (e) => {
      if (e.type === 'log') logs.push(e.message);
    };
    const a = await openNarratives({ root, subject: sim.subject, space: sim.space, emit });
    expect(a.storyNames).toEqual(['lucy', 'pieman', 'tunnel']);
    expect(a.testStories).toEqual([]);
    expect(a.metadata.defaultSplit).toBe('nested-cv');
    expect(a.metadata.tr).toBe(1.5);
    expect(a.metadata.trimming).toBe('narratives-litcoder');
    expect(a.metadata.nVoxels).toBe(2 * 162);
    // The simulator's ground truth comes along as metadata, as a simulated LeBel subject's does.
    const gt = a.metadata['groundTruth'] as { planted: number[]; snr: number[] };
    expect(gt.planted).toHaveLength(2 * 162);
    expect(gt.planted.flatMap((p, c) => (p ? [c] : []))).toEqual(sim.truth.planted);
    const g = a.metadata.geometry!;
    expect(g.kind).toBe('surface');
    if (g.kind !== 'surface') return;
    expect(g.space).toBe('fsaverage2');
    expect(g.hemispheres.map((h) => [h.hemi, h.nVertices])).toEqual([
      ['L', 162],
      ['R', 162],
    ]);
    expect(g.hemispheres[0]!.meshes?.pial).toBe(join(root, 'derivatives/freesurfer/fsaverage2/surf/lh.pial'));
    const truth = JSON.parse(readFileSync(join(root, 'simulation/ground-truth.json'), 'utf8')) as {
      stories: Array<{ name: string; nTRs: number; onset: number }>;
    };
    const info = truth.stories.find((s) => s.name === 'pieman')!;
    const s = await a.story('pieman');
    expect(s.trim).toEqual({ start: 14, end: 9 });
    expect(s.trTimes.length).toBe(info.nTRs);
    expect(s.nResponseRows).toBe(info.nTRs - 23);
    expect(s.trTimes[0]).toBeCloseTo(0.75 - info.onset, 12);
    expect(s.trTimes[10]! - s.trTimes[9]!).toBeCloseTo(1.5, 12);
    const align = join(root, 'stimuli/gentle/pieman/align.json');
    expect(s.words).toEqual(parseGentleAlign(readFileSync(align), align).words);
    expect(logs.some((m) => /words not found in the audio/.test(m))).toBe(true);
    // Columns: L vertices then R; rows: the run's TRs 14 … nTRs − 10.
    const func = join(root, `derivatives/fmriprep/${sim.subject}/func`);
    const left = await readGifti(join(func, `${sim.subject}_task-pieman_space-fsaverage2_hemi-L_bold.func.gii`));
    const right = await readGifti(join(func, `${sim.subject}_task-pieman_space-fsaverage2_hemi-R_bold.func.gii`));
    const block = await s.responses({ voxelStart: 160, voxelEnd: 164 });
    expect(block.cols).toBe(4);
    for (const i of [0, 5, s.nResponseRows - 1]) {
      expect(block.data[i * 4]).toBe(left.dataArrays[14 + i]!.data[160]);
      expect(block.data[i * 4 + 1]).toBe(left.dataArrays[14 + i]!.data[161]);
      expect(block.data[i * 4 + 2]).toBe(right.dataArrays[14 + i]!.data[0]);
      expect(block.data[i * 4 + 3]).toBe(right.dataArrays[14 + i]!.data[1]);
    }
  });

  it('imports to the Arrow format with its geometry, bit-identical responses', async () => {
    const sim = await simulated;
    const out = join(tmp('vw-narratives-out-'), 'sub.vw');
    await importNarratives({ root, subject: sim.subject, space: sim.space }, out);
    const a = await openAssembly(out);
    const src = await openNarratives({ root, subject: sim.subject, space: sim.space });
    expect(a.metadata.geometry).toEqual(src.metadata.geometry);
    expect(a.metadata.defaultSplit).toBe('nested-cv');
    expect(summaryHeadline(await summarizeAssembly(a))).toContain('nested cross-validation over stories by default');
    expect(a.testStories).toEqual([]);
    for (const name of src.storyNames) {
      const [x, y] = [await (await a.story(name)).responses(), await (await src.story(name)).responses()];
      expect(
        Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength).equals(
          Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength),
        ),
      ).toBe(true);
    }
  });

  it('plants the region on the left hemisphere, as columns of the importer', async () => {
    const sim = await simulated;
    expect(sim.truth.planted.length).toBeGreaterThan(5);
    expect(sim.truth.planted.every((c) => c < 162)).toBe(true);
    expect(sim.truth.region.hemi).toBe('L');
  });

  it('names the subject, task or file that is missing or wrong', async () => {
    const sim = await simulated;
    await expectVoxelwiseError(() => openNarratives({ root, subject: 'sub-999' }), 'E_FILE_NOT_FOUND', /sub-999/, new RegExp(sim.subject));
    await expectVoxelwiseError(() => openNarratives({ root, subject: sim.subject, space: 'fsaverage5' }), 'E_FILE_NOT_FOUND', /fsaverage5/);
    await expectVoxelwiseError(
      () => openNarratives({ root, subject: sim.subject, space: sim.space, tasks: ['pieman', 'sherlock'] }),
      'E_FILE_NOT_FOUND',
      /task "sherlock"/,
      /stimuli\/gentle\/sherlock\/align\.json/,
    );
    await expectVoxelwiseError(
      () => openNarratives({ root, subject: sim.subject, space: sim.space, trim: 'lebel' as 'none' }),
      'E_OPTIONS_INVALID',
      /trim "lebel"/,
    );
    // A run whose right hemisphere has other time points than its left.
    const broken = join(tmp('vw-narratives-broken-'), 'ds');
    cpSync(root, broken, { recursive: true });
    const func = join(broken, `derivatives/fmriprep/${sim.subject}/func`);
    cpSync(
      join(func, `${sim.subject}_task-lucy_space-fsaverage2_hemi-R_bold.func.gii`),
      join(func, `${sim.subject}_task-tunnel_space-fsaverage2_hemi-R_bold.func.gii`),
    );
    await expectVoxelwiseError(
      () => openNarratives({ root: broken, subject: sim.subject, space: sim.space }),
      'E_SHAPE_MISMATCH',
      /story "tunnel"/,
      /hemi-R/,
    );
    // A task without word timings is skipped (logged); asked for by name it is an error.
    rmSync(join(broken, 'stimuli/gentle/tunnel'), { recursive: true });
    writeFileSync(join(broken, 'stimuli/gentle/lucy/align.json'), '{"words": 3}');
    const logs: string[] = [];
    const a = await openNarratives({
      root: broken,
      subject: sim.subject,
      space: sim.space,
      emit: (e) => e.type === 'log' && logs.push(e.message),
    });
    expect(a.storyNames).toEqual(['lucy', 'pieman']);
    expect(logs.some((m) => /"tunnel" skipped/.test(m))).toBe(true);
    await expectVoxelwiseError(() => a.story('lucy'), 'E_FILE_FORMAT', /lucy\/align\.json/);
  });
});

describe('Narratives volume series', () => {
  it('reads MNI series with their brain masks: volume geometry, header TR checked, one resolution at a time', async () => {
    // Volumes of a simulated LPP subject, laid out under Narratives names.
    const lpp = join(tmp('vw-narratives-vol-src-'), 'lpp');
    const { writeSimulatedLpp } = await import('../src/index.js');
    const sim = await writeSimulatedLpp({ seed: 2, stories: 2, duration: 70, shape: [10, 12, 10] }, lpp);
    const src = join(lpp, `derivatives/${sim.subject}/func`);
    const root = join(tmp('vw-narratives-vol-'), 'ds002345');
    const func = join(root, 'derivatives/fmriprep/sub-002/func');
    const words = {
      words: Array.from({ length: 40 }, (_, j) => ({ word: `w${j}`, alignedWord: `w${j}`, case: 'success', start: 1 + j, end: 1.5 + j })),
    };
    for (const [task, run] of [
      ['pieman', '1'],
      ['tunnel', '2'],
    ] as const) {
      const stem = `${sim.subject}_task-lppEN_run-${run}_space-MNI152NLin2009cAsym_res-4`;
      cpSync(
        join(src, `${stem}_desc-preproc_bold.nii.gz`),
        join(func, `sub-002_task-${task}_space-MNI152NLin2009cAsym_res-4_desc-preproc_bold.nii.gz`),
      );
      cpSync(
        join(src, `${stem}_desc-brain_mask.nii.gz`),
        join(func, `sub-002_task-${task}_space-MNI152NLin2009cAsym_res-4_desc-brain_mask.nii.gz`),
      );
      cpSync(
        join(src, `${stem}_desc-brain_mask.nii.gz`),
        join(func, `sub-002_task-${task}_space-MNI152NLin2009cAsym_res-4_desc-aseg_dseg.nii.gz`),
      );
      const align = join(root, 'stimuli/gentle', task, 'align.json');
      cpSync(join(lpp, 'dataset_description.json'), join(root, 'dataset_description.json'));
      mkdirSync(join(root, 'stimuli/gentle', task), { recursive: true });
      writeFileSync(align, JSON.stringify(words));
    }
    const logs: string[] = [];
    const a = await openNarratives({
      root,
      subject: '002',
      space: 'MNI152NLin2009cAsym',
      emit: (e) => e.type === 'log' && logs.push(e.message),
    });
    expect(a.storyNames).toEqual(['pieman', 'tunnel']);
    expect(a.metadata['groundTruth']).toBeUndefined();
    const g = a.metadata.geometry!;
    if (g.kind !== 'volume') throw new Error('volume expected');
    expect(g.space).toBe('MNI152NLin2009cAsym');
    expect(g.shape).toEqual([10, 12, 10]);
    expect(g.maskFile).toBe(join(func, 'sub-002_task-pieman_space-MNI152NLin2009cAsym_res-4_desc-brain_mask.nii.gz'));
    // The simulated LPP series say TR 2 s in their header; Narratives uses 1.5 s unless told.
    expect(logs.some((m) => /header gives TR 2 s but the assembly uses 1.5 s/.test(m))).toBe(true);
    const lppAssembly = await (await import('../src/index.js')).openLpp({ root: lpp, subject: sim.subject, trim: 'none' });
    const s = await a.story('tunnel');
    const ref = await (await lppAssembly.story('lppEN_run-2')).responses();
    const got = await s.responses();
    expect(got.cols).toBe(ref.cols);
    // Narratives trims [14:-9]; the untrimmed LPP read gives every TR.
    expect(Array.from(got.data.subarray(0, got.cols))).toEqual(Array.from(ref.data.subarray(14 * ref.cols, 15 * ref.cols)));
    // A second resolution in the folder must be chosen.
    cpSync(
      join(func, 'sub-002_task-pieman_space-MNI152NLin2009cAsym_res-4_desc-preproc_bold.nii.gz'),
      join(func, 'sub-002_task-pieman_space-MNI152NLin2009cAsym_res-2_desc-preproc_bold.nii.gz'),
    );
    await expectVoxelwiseError(
      () => openNarratives({ root, subject: '002', space: 'MNI152NLin2009cAsym' }),
      'E_OPTIONS_INVALID',
      /res-2|2, 4/,
      /--res/,
    );
    expect((await openNarratives({ root, subject: '002', space: 'MNI152NLin2009cAsym', res: '4', tr: 2 })).storyNames).toEqual([
      'pieman',
      'tunnel',
    ]);
  });
});

describe('Narratives file names', () => {
  it('finds fMRIPrep 20.x, later fMRIPrep and afni-nosmooth names, entities in any order', async () => {
    const { findRuns } = await import('../src/bids-dataset.js');
    const func = tmp('vw-narratives-names-');
    for (const f of [
      'sub-001_task-pieman_run-1_space-fsaverage6_hemi-L.func.gii',
      'sub-001_task-pieman_run-1_space-fsaverage6_hemi-R.func.gii',
      'sub-001_task-pieman_run-2_hemi-L_space-fsaverage6_bold.func.gii',
      'sub-001_task-pieman_run-2_hemi-R_space-fsaverage6_bold.func.gii',
      'sub-001_task-tunnel_space-fsaverage6_hemi-L_desc-clean.func.gii',
      'sub-001_task-tunnel_space-fsaverage6_hemi-R_desc-clean.func.gii',
      'sub-001_task-lucy_space-fsaverage6_hemi-L.func.gii',
      'sub-001_task-lucy_space-fsaverage5_hemi-R.func.gii',
      'sub-001_task-pieman_run-1_desc-confounds_timeseries.tsv',
    ])
      writeFileSync(join(func, f), '');
    const names = (desc?: string) => findRuns(func, '001', { space: 'fsaverage6', ...(desc ? { desc } : {}) }, 'test').map((r) => r.story);
    // lucy has no right hemisphere in fsaverage6; tunnel is only there as desc-clean.
    expect(names()).toEqual(['pieman_run-1', 'pieman_run-2']);
    expect(names('clean')).toEqual(['tunnel']);
  });
});

describe('simulated Narratives volumes', () => {
  it('writes MNI series with brain masks that openNarratives reads with the planted sphere as ground truth', async () => {
    const root = join(tmp('vw-narratives-simvol-'), 'ds002345');
    const sim = await writeSimulatedNarratives(
      { seed: 4, space: 'MNI152NLin2009cAsym', shape: [10, 12, 10], stories: 2, duration: 60 },
      root,
    );
    expect(sim.space).toBe('MNI152NLin2009cAsym');
    expect(sim.truth.region.unit).toBe('mm');
    const a = await openNarratives({ root, subject: sim.subject, space: sim.space });
    expect(a.storyNames).toEqual(['pieman', 'tunnel']);
    const g = a.metadata.geometry!;
    if (g.kind !== 'volume') throw new Error('volume expected');
    expect(g.shape).toEqual([10, 12, 10]);
    expect(g.maskFile).toContain('_res-4_desc-brain_mask.nii.gz');
    const gt = a.metadata['groundTruth'] as { planted: number[] };
    expect(gt.planted.flatMap((p, c) => (p ? [c] : []))).toEqual(sim.truth.planted);
    const s = await a.story('pieman');
    expect((await s.responses()).cols).toBe(a.metadata.nVoxels);
    await expectVoxelwiseError(() => writeSimulatedNarratives({ regionRadius: 120 }, join(root, 'x')), 'E_OPTIONS_INVALID', /90 degrees/);
  });
});
