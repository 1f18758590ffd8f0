import { createRng, voxelwiseError } from '@voxelwise/core';
import type { EventSink } from '@voxelwise/core';
import { writeDirAtomic } from '@voxelwise/io';
import { encodeColumns } from './arrow-io.js';
import type { ColumnSpec } from './arrow-io.js';
import type { TextEncoding } from './decode-text.js';
import { writeHdf5Matrix } from './hdf5.js';
import { writeAssembly } from './native-write.js';
import type { WriteAssemblyResult } from './native-write.js';
import type { GroundTruth, SimulatedSubject } from './simulate.js';
import { simFileWriter } from './simulate-files.js';
import { phoneTier, wordTier } from './simulate-text.js';
import { toJsonSafe } from './native-write.js';
import { encodeText, formatTextGrid } from './textgrid-write.js';

/** How one simulated TextGrid is written. */
export interface TextGridVariant {
  layout: 'long' | 'short';
  encoding: TextEncoding;
  eol: 'lf' | 'crlf';
}

/**
 * The TextGrid variants the LeBel writer cycles through, story by story, so an import of a
 * simulated subject exercises every decoder path: long/short layout, UTF-8 (± BOM), UTF-16 LE/BE,
 * LF/CRLF.
 */
export const TEXTGRID_VARIANTS: readonly TextGridVariant[] = [
  { layout: 'long', encoding: 'utf-8', eol: 'lf' },
  { layout: 'long', encoding: 'utf-16le', eol: 'crlf' },
  { layout: 'short', encoding: 'utf-8', eol: 'crlf' },
  { layout: 'long', encoding: 'utf-16be', eol: 'lf' },
  { layout: 'short', encoding: 'utf-8-bom', eol: 'lf' },
  { layout: 'short', encoding: 'utf-16le', eol: 'crlf' },
];

/** Ground truth as Arrow bytes: one row per voxel (planted, snr, noiseSd, bestR, one column per weight). */
export async function encodeGroundTruth(truth: GroundTruth): Promise<Uint8Array> {
  const V = truth.planted.length;
  const f = truth.featureColumns.length;
  const cols: ColumnSpec[] = [
    { name: 'planted', kind: 'float64', values: Float64Array.from(truth.planted) },
    { name: 'snr', kind: 'float64', values: truth.snr },
    { name: 'noiseSd', kind: 'float64', values: truth.noiseSd },
    { name: 'bestR', kind: 'float64', values: truth.bestR },
  ];
  truth.delays.forEach((d, b) => {
    for (let k = 0; k < f; k++) {
      const values = new Float64Array(V);
      for (let v = 0; v < V; v++) values[v] = truth.weights.data[(b * f + k) * V + v]!;
      cols.push({ name: `w_delay${d}_${truth.featureColumns[k]}`, kind: 'float64', values });
    }
  });
  return encodeColumns(cols, {
    voxelwise: JSON.stringify({
      kind: 'ground-truth',
      testStory: truth.testStory,
      delays: truth.delays,
      featureColumns: truth.featureColumns,
    }),
  });
}

/** Options of the simulated-subject writers. */
export interface WriteSimulatedOptions {
  overwrite?: boolean;
  /** Cycle through {@link TEXTGRID_VARIANTS} (else every TextGrid is UTF-8, long, LF). @default true */
  textGridVariants?: boolean;
  emit?: EventSink;
  signal?: AbortSignal;
}

/** What {@link writeSimulatedLebel} wrote. */
export interface WriteSimulatedLebelResult {
  /** The dataset root (holds `derivative/`). */
  root: string;
  /** Every file written, relative to the root. */
  files: string[];
}

/**
 * Writes a simulated subject in the LeBel ds003020 layout: `derivative/respdict.json`,
 * `derivative/TextGrids/<story>.TextGrid` (phone and word tiers, cycling through UTF-8/UTF-16,
 * long/short and LF/CRLF variants), `derivative/preprocessed_data/<subject>/<story>.hf5`
 * (dataset `data`, float32 TRs × voxels, rows = respdict − 20), plus `simulation/` with the
 * options and the ground truth. One story is in memory at a time; the root appears only when
 * complete.
 *
 * @example
 * const sim = await simulateSubject({ seed: 1, voxels: 500, subject: 'UTS03' });
 * await writeSimulatedLebel(sim, '/tmp/ds003020');
 */
export async function writeSimulatedLebel(
  sim: SimulatedSubject,
  root: string,
  options: WriteSimulatedOptions = {},
): Promise<WriteSimulatedLebelResult> {
  if (sim.options.tr !== 2) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'assembly:simulate',
      message: 'the LeBel layout needs TR 2 s (respdict timing is fixed at 2 s)',
      got: sim.options.tr,
      expected: 2,
    });
  }
  const subject = sim.assembly.metadata.subject;
  return writeDirAtomic(
    root,
    async (tmp) => {
      const { files, put, place } = simFileWriter(tmp);
      await put('derivative/respdict.json', `${JSON.stringify(sim.respdict, null, 1)}\n`);
      const names = sim.assembly.storyNames;
      const t0 = Date.now();
      options.emit?.({ type: 'stage:start', stage: 'assembly/simulate-lebel', time: t0 });
      for (const [i, name] of names.entries()) {
        if (options.signal?.aborted)
          throw voxelwiseError({
            code: 'E_ABORTED',
            where: 'assembly:simulate',
            message: 'writing the simulated subject was interrupted; nothing was written',
          });
        const transcript = sim.transcripts.get(name)!;
        const variant = options.textGridVariants === false ? TEXTGRID_VARIANTS[0]! : TEXTGRID_VARIANTS[i % TEXTGRID_VARIANTS.length]!;
        const grid = {
          xmin: 0,
          xmax: transcript.end,
          tiers: [phoneTier(transcript, createRng(sim.options.seed).fork(`phones/${name}`)), wordTier(transcript)],
        };
        await put(
          `derivative/TextGrids/${name}.TextGrid`,
          encodeText(formatTextGrid(grid, { layout: variant.layout }), variant.encoding, variant.eol),
        );
        const story = await sim.assembly.story(name);
        const resp = await story.responses();
        const rel = `derivative/preprocessed_data/${subject}/${name}.hf5`;
        await writeHdf5Matrix(await place(rel), resp);
        options.emit?.({
          type: 'stage:progress',
          stage: 'assembly/simulate-lebel',
          done: i + 1,
          total: names.length,
          unit: 'stories',
          message: name,
        });
      }
      await put('simulation/ground-truth.arrow', await encodeGroundTruth(sim.truth));
      await put(
        'simulation/simulation.json',
        `${JSON.stringify(toJsonSafe({ subject, options: sim.options, respdict: sim.respdict, testStory: sim.truth.testStory, textGridVariants: options.textGridVariants !== false }), null, 1)}\n`,
      );
      options.emit?.({ type: 'stage:end', stage: 'assembly/simulate-lebel', durationMs: Date.now() - t0 });
      return { root, files };
    },
    { overwrite: options.overwrite ?? false, where: 'assembly:simulate' },
  );
}

/**
 * Writes a simulated subject in the native Arrow format (repeats of the test story included),
 * with the ground truth stored beside it as `ground-truth.arrow`.
 *
 * @example
 * await writeSimulatedNative(await simulateSubject({ seed: 1 }), 'sim.vw');
 */
export async function writeSimulatedNative(
  sim: SimulatedSubject,
  dir: string,
  options: WriteSimulatedOptions & { voxelChunk?: number } = {},
): Promise<WriteAssemblyResult> {
  return writeAssembly(sim.assembly, dir, {
    overwrite: options.overwrite ?? false,
    ...(options.voxelChunk ? { voxelChunk: options.voxelChunk } : {}),
    extraFiles: { 'ground-truth.arrow': await encodeGroundTruth(sim.truth) },
    ...(options.emit ? { emit: options.emit } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
