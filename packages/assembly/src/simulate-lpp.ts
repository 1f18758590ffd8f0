import { voxelwiseError, z } from '@voxelwise/core';
import { writeDirAtomic } from '@voxelwise/io';
import { subjectLabel } from './bids-names.js';
import { LPP_TASK, LPP_TR, LPP_TRIM } from './lpp.js';
import { parseLppWords } from './lpp-words.js';
import { simDatasetDescription, simEventsTsv, simGroundTruthJson } from './simulate-bids.js';
import { simFileWriter } from './simulate-files.js';
import { parseSimulatorOptions } from './simulate-options.js';
import { brainSimOptions, planBrainStories, simulateBrainResponses, simulationRoot } from './simulate-brain.js';
import type { SimulatedDataset, WriteBrainSimOptions } from './simulate-narratives.js';
import { SIM_VOLUME_SPACE, simulatedVolume, writeVolumeSeries } from './simulate-volume.js';

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
  const o = parseSimulatorOptions(simulateLppOptions, options);
  const label = subjectLabel(o.subject ?? 'EN001');
  const sub = `sub-${label}`;
  const space = SIM_VOLUME_SPACE;
  const res = String(o.voxelSize);
  const vol = simulatedVolume(o.shape, o.voxelSize, o.regionRadius);
  const V = vol.columns.length;
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
  const { responder, plans, truth } = simulateBrainResponses(o, rng, stories, V, vol.inRegion, {
    center: vol.center,
    radius: o.regionRadius,
    unit: 'mm',
  });
  const geometry = vol.geometry;
  return writeDirAtomic(
    root,
    async (tmp) => {
      const { files, put, place } = simFileWriter(tmp);
      await put('dataset_description.json', simDatasetDescription('Le Petit Prince', 'writeSimulatedLpp'));
      await put(`annotation/EN/${LPP_TASK}_word_information.csv`, `${rows.join('\n')}\n`);
      const maskBytes = vol.maskBytes;
      const t0 = Date.now();
      write.emit?.({ type: 'stage:start', stage: 'assembly/simulate-lpp', time: t0 });
      for (const [i, st] of stories.entries()) {
        if (write.signal?.aborted)
          throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'simulation interrupted; nothing was written' });
        const stem = `${sub}_task-${LPP_TASK}_run-${runs[i]}`;
        await put(`${sub}/func/${stem}_events.tsv`, simEventsTsv(st, LPP_TR, 'section'));
        await put(`derivatives/${sub}/func/${stem}_space-${space}_res-${res}_desc-brain_mask.nii.gz`, maskBytes);
        const Y = responder.repeatBlock(plans[i]!, 0, 0, V);
        const rel = `derivatives/${sub}/func/${stem}_space-${space}_res-${res}_desc-preproc_bold.nii.gz`;
        await writeVolumeSeries(await place(rel), vol, Y, st.nTRs, LPP_TR, WHERE);
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
        simGroundTruthJson({ layout: 'lpp', subject: sub, space, geometry, options: o, stories, truth }),
      );
      write.emit?.({ type: 'stage:end', stage: 'assembly/simulate-lpp', durationMs: Date.now() - t0 });
      return { root, subject: sub, stories: names, files, truth, space };
    },
    { overwrite: write.overwrite ?? false, where: WHERE },
  );
}
