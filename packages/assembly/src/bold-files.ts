import { resolveVoxelRange, voxelwiseError } from '@voxelwise/core';
import type { EventSink, ResponseBlock, ResponseTrim, VolumeGeometry } from '@voxelwise/core';
import {
  countGiftiArrays,
  encodeNifti1,
  maskFromImage,
  readGifti,
  readMaskedSeries,
  readNifti,
  readNiftiHeader,
} from '@voxelwise/neuroimaging';
import type { VolumeMask } from '@voxelwise/neuroimaging';

/** The BOLD files of one run: both hemispheres' `.func.gii`, or one 4-D NIfTI and its brain mask. */
export type RunFiles = { kind: 'surface'; left: string; right: string } | { kind: 'volume'; bold: string; mask?: string };

/** What a run holds, learnt from headers only. */
export interface RunShape {
  /** Time points (TRs) of the run. */
  nTRs: number;
  /** Columns: vertices of L then R, or mask voxels. */
  nColumns: number;
  /** Vertices per hemisphere (surface runs). */
  hemispheres?: { L: number; R: number };
  /** TR in the NIfTI header (`pixdim[4]` in seconds), when it gives one. */
  headerTr?: number;
}

/** Reads the run's shape from headers (NIfTI) or a scan of the XML (GIfTI), never the data. */
async function runShape(files: RunFiles, mask: VolumeMask | null, where: string, story: string): Promise<RunShape> {
  if (files.kind === 'surface') {
    const [l, r] = await Promise.all([countGiftiArrays(files.left), countGiftiArrays(files.right)]);
    if (l.arrays !== r.arrays || l.arrays === 0) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: `story "${story}": ${files.left} has ${l.arrays} time points but ${files.right} has ${r.arrays}`,
        details: { story, file: files.right },
        hint: 'Both hemispheres of a run must come from the same fMRIPrep run.',
      });
    }
    return { nTRs: l.arrays, nColumns: (l.dim0 ?? 0) + (r.dim0 ?? 0), hemispheres: { L: l.dim0 ?? 0, R: r.dim0 ?? 0 } };
  }
  const { header } = await readNiftiHeader(files.bold);
  if (header.shape.length < 4 || (header.shape[3] ?? 0) < 1) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: `story "${story}": ${files.bold} is not a 4-D series (shape ${header.shape.join('×')})`,
      details: { story, file: files.bold },
    });
  }
  // NIfTI xyzt_units bits 3–5: 8 = seconds, 16 = ms, 24 = µs.
  const unit = header.xyztUnits & 0x38;
  const scale = unit === 8 ? 1 : unit === 16 ? 1e-3 : unit === 24 ? 1e-6 : 0;
  const tr = (header.pixdim[4] ?? 0) * scale;
  return { nTRs: header.shape[3]!, nColumns: mask ? mask.indices.length : 0, ...(tr > 0 ? { headerTr: tr } : {}) };
}

/**
 * The brain mask of a volume assembly: `explicit` when given, else the intersection of every run's
 * mask (fMRIPrep writes one `desc-brain_mask` per run and they differ by a few voxels at the
 * edges; columns must be the same voxels in every story). When the runs share one mask file (or
 * their masks are equal) that file is the geometry's mask; otherwise the intersection is encoded
 * for the importer to store beside the assembly.
 */
export async function volumeMask(
  runs: ReadonlyArray<{ story: string; files: Extract<RunFiles, { kind: 'volume' }> }>,
  explicit: string | undefined,
  where: string,
): Promise<{ mask: VolumeMask; file?: string; encoded?: Uint8Array; sources: string[] }> {
  if (explicit) return { mask: maskFromImage(await readNifti(explicit)), file: explicit, sources: [explicit] };
  const files = [...new Set(runs.map((r) => r.files.mask))];
  if (files.some((f) => f === undefined) || files.length === 0) {
    const story = runs.find((r) => !r.files.mask)?.story ?? '';
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where,
      message: `story "${story}" has no brain mask beside its BOLD series`,
      details: { story },
      hint: 'fMRIPrep writes `…_desc-brain_mask.nii.gz` next to each `…_desc-preproc_bold.nii.gz`; or pass a mask (--mask).',
    });
  }
  const first = await readNifti(files[0]!);
  let inAll = maskFromImage(first);
  let differs = false;
  for (const f of files.slice(1)) {
    const next = maskFromImage(await readNifti(f!));
    if (next.shape.some((d, a) => d !== inAll.shape[a])) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: `the brain masks ${files[0]} and ${f} have different grids (${inAll.shape.join('×')} and ${next.shape.join('×')})`,
        details: { file: f },
        hint: 'Every run of an assembly must be in the same space and resolution.',
      });
    }
    const keep = new Set(next.indices);
    const both = inAll.indices.filter((i) => keep.has(i));
    if (both.length !== inAll.indices.length || both.length !== next.indices.length) differs = true;
    inAll = { ...inAll, indices: both };
  }
  const sources = files as string[];
  if (!differs) return { mask: inAll, file: files[0]!, sources };
  const data = new Uint8Array(inAll.shape[0] * inAll.shape[1] * inAll.shape[2]);
  for (const i of inAll.indices) data[i] = 1;
  const encoded = encodeNifti1({ data, shape: [...inAll.shape], affine: first.affine, source: first.header, gzip: true });
  return { mask: { ...inAll, file: 'mask.nii.gz (intersection of the runs’ brain masks)' }, encoded, sources };
}

/** The geometry of a masked volume assembly. */
export function volumeGeometry(mask: VolumeMask, space: string, maskFile: string | undefined, referenceFile: string): VolumeGeometry {
  const a = mask.affine;
  const zoom = (c: number) => Math.hypot(a[0]![c]!, a[1]![c]!, a[2]![c]!);
  return {
    kind: 'volume',
    space,
    shape: [mask.shape[0], mask.shape[1], mask.shape[2]],
    affine: a.flatMap((row) => row.slice(0, 4)),
    zooms: [zoom(0), zoom(1), zoom(2)],
    ...(maskFile ? { maskFile } : {}),
    referenceFile,
  };
}

/**
 * Reads the response rows `[trim.start, nTRs − trim.end)` of a run, all columns, float32 rows ×
 * columns: both hemispheres side by side (L then R), or the masked volume (streamed, one volume in
 * memory at a time).
 */
export async function readRunRows(
  files: RunFiles,
  mask: VolumeMask | null,
  trim: ResponseTrim,
  shape: RunShape,
  where: string,
  story: string,
): Promise<Float32Array> {
  const t0 = trim.start;
  const t1 = shape.nTRs - trim.end;
  if (files.kind === 'volume') {
    // Streamed: one volume at a time is inflated and masked (an MNI 2 mm run is ≈ 1.3 GB whole).
    const { header } = await readNiftiHeader(files.bold);
    if ((header.shape[3] ?? 1) !== shape.nTRs) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where,
        message: `story "${story}": ${files.bold} changed while it was read (${header.shape[3]} time points, ${shape.nTRs} when opened)`,
        details: { story, file: files.bold },
      });
    }
    return readMaskedSeries(files.bold, mask!, { start: t0, end: t1 });
  }
  const cols = shape.nColumns;
  const out = new Float32Array((t1 - t0) * cols);
  let offset = 0;
  for (const [hemi, file] of [
    ['L', files.left],
    ['R', files.right],
  ] as const) {
    const g = await readGifti(file);
    const n = shape.hemispheres![hemi];
    if (g.dataArrays.length !== shape.nTRs) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where,
        message: `story "${story}": ${file} has ${g.dataArrays.length} time points, ${shape.nTRs} when opened`,
        details: { story, file },
      });
    }
    for (let t = t0; t < t1; t++) {
      const da = g.dataArrays[t]!;
      if (da.data.length !== n) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where,
          message: `story "${story}": ${file} DataArray ${t} has ${da.data.length} values, expected ${n} vertices`,
          details: { story, file },
        });
      }
      const row = (t - t0) * cols + offset;
      for (let v = 0; v < n; v++) out[row + v] = da.data[v]!;
    }
    offset += n;
  }
  return out;
}

/**
 * Serves voxel ranges of one story at a time: the story's rows are read once (a run file is
 * read whole), kept while ranges of the same story are asked for (an import asks block by
 * block), and dropped when another story is read, so memory stays at one run.
 */
export function runReader(
  where: string,
): (
  story: string,
  nColumns: number,
  load: () => Promise<Float32Array>,
  rows: number,
  r?: { voxelStart?: number; voxelEnd?: number },
) => Promise<ResponseBlock> {
  let held: { story: string; data: Promise<Float32Array> } | null = null;
  return async (story, nColumns, load, rows, r = {}) => {
    const [v0, v1] = resolveVoxelRange(r, nColumns, story, where);
    if (!held || held.story !== story) {
      held = { story, data: load() };
      held.data.catch(() => {
        if (held?.story === story) held = null;
      });
    }
    const all = await held.data;
    if (v0 === 0 && v1 === nColumns) return { rows, cols: nColumns, data: all.slice(), voxelStart: 0 };
    const w = v1 - v0;
    const data = new Float32Array(rows * w);
    for (let i = 0; i < rows; i++) data.set(all.subarray(i * nColumns + v0, i * nColumns + v1), i * w);
    return { rows, cols: w, data, voxelStart: v0 };
  };
}

/**
 * The shape of every run, checked: the same columns in every story, and a warning when a NIfTI
 * header gives another TR than the assembly uses.
 */
export async function runShapes(
  runs: ReadonlyArray<{ story: string; files: RunFiles }>,
  mask: VolumeMask | null,
  tr: number,
  where: string,
  emit: EventSink | undefined,
  stage: string,
): Promise<{ shapes: Map<string, RunShape>; nColumns: number }> {
  const shapes = new Map<string, RunShape>();
  let nColumns = -1;
  let first = '';
  for (const r of runs) {
    const s = await runShape(r.files, mask, where, r.story);
    if (nColumns >= 0 && s.nColumns !== nColumns) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: `story "${r.story}" has ${s.nColumns} columns but story "${first}" has ${nColumns}`,
        details: { story: r.story, file: r.files.kind === 'surface' ? r.files.left : r.files.bold },
        hint: 'Every run must be in the same space.',
      });
    }
    if (s.headerTr !== undefined && Math.abs(s.headerTr - tr) > 1e-3) {
      emit?.({
        type: 'log',
        level: 'warn',
        stage,
        message: `story "${r.story}": the NIfTI header gives TR ${s.headerTr} s but the assembly uses ${tr} s (option tr)`,
      });
    }
    if (nColumns < 0) {
      nColumns = s.nColumns;
      first = r.story;
    }
    shapes.set(r.story, s);
  }
  return { shapes, nColumns };
}
