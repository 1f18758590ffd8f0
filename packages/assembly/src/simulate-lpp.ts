import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { formatIssues, voxelwiseError, z } from '@voxelwise/core';
import type { VolumeGeometry } from '@voxelwise/core';
import { fsError, writeDirAtomic } from '@voxelwise/io';
import { encodeNifti1 } from '@voxelwise/neuroimaging';
import { subjectLabel } from './bids-names.js';
import { LPP_TASK, LPP_TR, LPP_TRIM } from './lpp.js';
import { parseLppWords } from './lpp-words.js';
import { brainSimOptions, planBrainStories, simulateBrainResponses, simulationRoot } from './simulate-brain.js';
import type { SimulatedDataset, WriteBrainSimOptions } from './simulate-narratives.js';

const WHERE = 'assembly:simulate';

/** Options of {@link writeSimulatedLpp}. */
export const simulateLppOptions = brainSimOptions
  .extend({
    /** Voxels along x, y, z (MNI152NLin2009cAsym at 2 mm: 97 × 115 × 97). */
    shape: z.tuple([z.number().int().min(4), z.number().int().min(4), z.number().int().min(4)]).default([20, 24, 20]),
    /** Voxel size, mm (also the `res-` entity of the file names). */
    voxelSize: z.number().positive().default(4),
    /** Radius of the planted sphere, mm. */
    regionRadius: z.number().positive().default(12),
  })
  .strict();

/** Options of the Le Petit Prince simulator, as written by users. */
export type SimulateLppOptions = z.input<typeof simulateLppOptions>;

/** Flat index of voxel (x, y, z), x fastest (NIfTI order). */
const flat = (shape: readonly number[], x: number, y: number, zz: number): number => x + shape[0]! * (y + shape[1]! * zz);

/** Writes a 4-D float32 series as `.nii.gz` (gzip level 1: the simulator's files are large and only read once). */
async function writeSeries(file: string, data: Float32Array, shape: number[], affine: number[][], tr: number): Promise<void> {
  const bytes = encodeNifti1({ data, shape, affine, gzip: false });
  // pixdim[4] = TR (byte 92) and xyzt_units = mm | s (byte 123), as fMRIPrep writes them (nifti1.h).
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setFloat32(92, tr, true);
  bytes[123] = 2 | 8;
  try {
    await pipeline(Readable.from([bytes]), createGzip({ level: 1 }), createWriteStream(file));
  } catch (e) {
    throw fsError(e, file, WHERE, 'write');
  }
}

/**
 * Writes a simulated English Le Petit Prince subject as OpenNeuro ds003643 lays it out:
 * `annotation/EN/lppEN_word_information.csv` (word, onset, offset, section; a few rows out of
 * onset order, as the reader must sort them), per run the raw `sub-<s>/func/…_events.tsv`
 * (stimulus onset), the preprocessed MNI series
 * `derivatives/sub-<s>/func/sub-<s>_task-lppEN_run-<r>_space-MNI152NLin2009cAsym_res-<mm>_desc-preproc_bold.nii.gz`
 * (untrimmed; TR 2 s) and its `…_desc-brain_mask.nii.gz` (an ellipsoid), and
 * `simulation/ground-truth.json`: the planted sphere as mask-column indices in the importer's
 * order (NIfTI order, x fastest). The root appears only when complete.
 *
 * @example
 * const sim = await writeSimulatedLpp({ seed: 1 }, '/tmp/ds003643');
 * const assembly = await openLpp({ root: sim.root, subject: sim.subject });
 */
export async function writeSimulatedLpp(
  options: SimulateLppOptions,
  root: string,
  write: WriteBrainSimOptions = {},
): Promise<SimulatedDataset> {
  const parsed = simulateLppOptions.safeParse(options);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `invalid simulator options: ${formatIssues(parsed.error.issues)}`,
    });
  }
  const o = parsed.data;
  const label = subjectLabel(o.subject ?? 'EN001');
  const sub = `sub-${label}`;
  const space = 'MNI152NLin2009cAsym';
  const res = String(o.voxelSize);
  const shape = [...o.shape];
  const s = o.voxelSize;
  // MNI152NLin2009cAsym's grid at 2 mm (97 × 115 × 97) has this affine; other sizes keep its centring.
  const affine = [
    [s, 0, 0, (-(shape[0]! - 1) / 2) * s],
    [0, s, 0, (-(shape[1]! - 1) / 2) * s - 18],
    [0, 0, s, (-(shape[2]! - 1) / 2) * s + 18],
    [0, 0, 0, 1],
  ];
  // Brain mask: an ellipsoid of 0.35 of the grid along each axis (≈ 194,000 voxels at 97 × 115 × 97).
  const columns: number[] = [];
  const world: number[] = [];
  for (let zz = 0; zz < shape[2]!; zz++)
    for (let y = 0; y < shape[1]!; y++)
      for (let x = 0; x < shape[0]!; x++) {
        const d = [x, y, zz].reduce((acc, c, a) => acc + ((c - (shape[a]! - 1) / 2) / (0.35 * shape[a]!)) ** 2, 0);
        if (d <= 1) {
          columns.push(flat(shape, x, y, zz));
          world.push(affine[0]![0]! * x + affine[0]![3]!, affine[1]![1]! * y + affine[1]![3]!, affine[2]![2]! * zz + affine[2]![3]!);
        }
      }
  const V = columns.length;
  // The planted sphere: left lateral temporal (x < 0, below the centre).
  const cVox = [0.3 * (shape[0]! - 1), 0.45 * (shape[1]! - 1), 0.4 * (shape[2]! - 1)];
  const center: [number, number, number] = [
    affine[0]![0]! * cVox[0]! + affine[0]![3]!,
    affine[1]![1]! * cVox[1]! + affine[1]![3]!,
    affine[2]![2]! * cVox[2]! + affine[2]![3]!,
  ];
  const inRegion = (j: number): boolean =>
    Math.hypot(world[3 * j]! - center[0], world[3 * j + 1]! - center[1], world[3 * j + 2]! - center[2]) <= o.regionRadius;
  const n = o.stories ?? 9;
  const runs = Array.from({ length: n }, (_, k) => String(k + 1));
  const names = runs.map((r) => `${LPP_TASK}_run-${r}`);
  const rng = simulationRoot(o.seed, 'lpp');
  const rows: string[] = ['word,onset,offset,section'];
  let section = 0;
  const stories = planBrainStories(rng, names, o.duration ?? 300, LPP_TR, LPP_TRIM, (_name, r, transcript) => {
    section++;
    const spoken = transcript.intervals.filter((iv) => iv.kind === 'word');
    const lines = spoken.map(
      (iv) => `${/[",]/.test(iv.text) ? `"${iv.text.replace(/"/g, '""')}"` : iv.text},${iv.xmin},${iv.xmax},${section}`,
    );
    // A few neighbours swapped: the annotation is not guaranteed to be in onset order.
    for (let j = 1; j + 1 < lines.length; j += 1 + Math.floor(40 * r.next())) [lines[j], lines[j + 1]] = [lines[j + 1]!, lines[j]!];
    rows.push(...lines);
    const csv = `word,onset,offset,section\n${lines.join('\n')}\n`;
    return parseLppWords(new TextEncoder().encode(csv), 'annotation').get(section)!.words;
  });
  const { responder, plans, truth } = simulateBrainResponses(o, rng, stories, V, inRegion, { center, radius: o.regionRadius, unit: 'mm' });
  const nvox = shape[0]! * shape[1]! * shape[2]!;
  const maskData = new Uint8Array(nvox);
  for (const c of columns) maskData[c] = 1;
  const geometry: VolumeGeometry = {
    kind: 'volume',
    space,
    shape: [shape[0]!, shape[1]!, shape[2]!],
    affine: affine.flat(),
    zooms: [s, s, s],
  };
  return writeDirAtomic(
    root,
    async (tmp) => {
      const files: string[] = [];
      const put = async (rel: string, data: string | Uint8Array) => {
        await mkdir(dirname(join(tmp, rel)), { recursive: true });
        await writeFile(join(tmp, rel), data);
        files.push(rel);
      };
      await put(
        'dataset_description.json',
        `${JSON.stringify({ Name: 'Le Petit Prince (simulated by voxelwise)', BIDSVersion: '1.6.0', DatasetType: 'raw', GeneratedBy: [{ Name: 'voxelwise writeSimulatedLpp' }] }, null, 1)}\n`,
      );
      await put(`annotation/EN/${LPP_TASK}_word_information.csv`, `${rows.join('\n')}\n`);
      const maskBytes = encodeNifti1({ data: maskData, shape, affine, gzip: true });
      const t0 = Date.now();
      write.emit?.({ type: 'stage:start', stage: 'assembly/simulate-lpp', time: t0 });
      for (const [i, st] of stories.entries()) {
        if (write.signal?.aborted)
          throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'simulation interrupted; nothing was written' });
        const stem = `${sub}_task-${LPP_TASK}_run-${runs[i]}`;
        await put(
          `${sub}/func/${stem}_events.tsv`,
          `onset\tduration\ttrial_type\n${st.onset}\t${(st.nTRs * LPP_TR - st.onset).toFixed(2)}\tsection\n`,
        );
        await put(`derivatives/${sub}/func/${stem}_space-${space}_res-${res}_desc-brain_mask.nii.gz`, maskBytes);
        const Y = responder.repeatBlock(plans[i]!, 0, 0, V);
        const vol = new Float32Array(nvox * st.nTRs);
        for (let t = 0; t < st.nTRs; t++) {
          const base = t * nvox;
          const row = t * V;
          for (let j = 0; j < V; j++) vol[base + columns[j]!] = Y[row + j]!;
        }
        const rel = `derivatives/${sub}/func/${stem}_space-${space}_res-${res}_desc-preproc_bold.nii.gz`;
        await mkdir(dirname(join(tmp, rel)), { recursive: true });
        await writeSeries(join(tmp, rel), vol, [...shape, st.nTRs], affine, LPP_TR);
        files.push(rel);
        write.emit?.({
          type: 'stage:progress',
          stage: 'assembly/simulate-lpp',
          done: i + 1,
          total: stories.length,
          unit: 'runs',
          message: st.name,
        });
      }
      await put(
        'simulation/ground-truth.json',
        `${JSON.stringify({ layout: 'lpp', subject: sub, space, geometry, options: o, stories: stories.map((x) => ({ name: x.name, nTRs: x.nTRs, onset: x.onset })), truth }, null, 1)}\n`,
      );
      write.emit?.({ type: 'stage:end', stage: 'assembly/simulate-lpp', durationMs: Date.now() - t0 });
      return { root, subject: sub, stories: names, files, truth, space };
    },
    { overwrite: write.overwrite ?? false, where: WHERE },
  );
}
