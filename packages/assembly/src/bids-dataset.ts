import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import type { ResponseTrim } from '@voxelwise/core';
import { parseBidsName } from './bids-names.js';
import type { RunFiles } from './bold-files.js';
import { readSource } from './read-source.js';

/** Resolves a trim option to rows. */
export function resolveTrim(
  trim: string | ResponseTrim | undefined,
  named: Readonly<Record<string, ResponseTrim>>,
  fallback: string,
  where: string,
): { trim: ResponseTrim; name: string } {
  if (trim === undefined) return { trim: named[fallback]!, name: fallback };
  if (typeof trim === 'string') {
    const t = named[trim];
    if (!t) throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where, message: `unknown trim "${trim}"`, expected: Object.keys(named) });
    return { trim: t, name: trim };
  }
  if (![trim.start, trim.end].every((v) => Number.isInteger(v) && v >= 0)) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where,
      message: 'option "trim": start and end must be whole numbers ≥ 0',
      got: trim,
    });
  }
  return { trim: { start: trim.start, end: trim.end }, name: `[${trim.start}:-${trim.end}]` };
}

/** Lists a directory's files, `[]` when it does not exist. */
export function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** The subject's folder under a derivatives pipeline, or `E_FILE_NOT_FOUND` listing the subjects there. */
export function subjectFuncDir(base: string, label: string, where: string, hint: string): string {
  const func = join(base, `sub-${label}`, 'func');
  if (existsSync(func)) return func;
  const subjects = listDir(base).filter((d) => d.startsWith('sub-') && statSync(join(base, d)).isDirectory());
  throw voxelwiseError({
    code: 'E_FILE_NOT_FOUND',
    where,
    message: `subject "sub-${label}" has no folder ${func}`,
    expected: subjects,
    hint: subjects.length ? `Subjects found: ${subjects.join(', ')}.` : hint,
    details: { file: func },
  });
}

/** Seconds from the start of the scan to the start of the stimulus: the first `onset` of the run's raw `events.tsv` (BIDS), else 0. */
export async function stimulusOnset(
  root: string,
  label: string,
  run: { task: string; run?: string },
  where: string,
): Promise<{ onset: number; file?: string }> {
  const name = `sub-${label}_task-${run.task}${run.run ? `_run-${run.run}` : ''}_events.tsv`;
  for (const dir of [join(root, `sub-${label}`, 'func'), join(root, `sub-${label}`)]) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const lines = (await readSource(file, where, 'events.tsv'))
      .toString('utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '');
    const head = (lines[0] ?? '').split('\t');
    const col = head.indexOf('onset');
    const value = Number((lines[1] ?? '').split('\t')[col]);
    if (col < 0 || !Number.isFinite(value)) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: where,
        message: `${file}: no numeric "onset" in the first event`,
        details: { file },
      });
    }
    return { onset: value, file };
  }
  return { onset: 0 };
}

/** A story's TR grid on the stimulus clock: TR k is centred at `(k + ½)·TR − onset`. */
export function stimulusGrid(nTRs: number, tr: number, onset: number): Float64Array {
  return Float64Array.from({ length: nTRs }, (_, k) => (k + 0.5) * tr - onset);
}

/** One run of the subject, with its files. */
export interface Run {
  story: string;
  task: string;
  run?: string;
  files: RunFiles;
}

/** True for fMRIPrep surface spaces (`fsaverage*`, `fsnative`). */
export const isSurfaceSpace = (space: string): boolean => /^fs/.test(space);

/** Finds the subject's runs in `func`: per (task, run), both hemispheres or the BOLD series and its mask. */
export function findRuns(func: string, label: string, o: { space: string; res?: string; desc?: string }, where: string): Run[] {
  const surface = isSurfaceSpace(o.space);
  const byKey = new Map<string, { task: string; run?: string; L?: string; R?: string; bold?: string; mask?: string; res?: string }>();
  const resSeen = new Set<string>();
  for (const f of listDir(func)) {
    const n = parseBidsName(f);
    const e = n?.entities;
    if (!n || !e || e['sub'] !== label || !e['task'] || e['space'] !== o.space) continue;
    const key = `${e['task']}\u0000${e['run'] ?? ''}`;
    const entry = byKey.get(key) ?? { task: e['task'], ...(e['run'] ? { run: e['run'] } : {}) };
    if (surface) {
      const desc = e['desc'];
      if (n.extension !== '.func.gii' || (n.suffix !== '' && n.suffix !== 'bold') || desc !== o.desc) continue;
      if (e['hemi'] === 'L') entry.L = join(func, f);
      else if (e['hemi'] === 'R') entry.R = join(func, f);
      else continue;
    } else {
      if (n.extension !== '.nii.gz' && n.extension !== '.nii') continue;
      if (o.res !== undefined && e['res'] !== o.res) continue;
      if (n.suffix === 'bold' && e['desc'] === (o.desc ?? 'preproc')) {
        entry.bold = join(func, f);
        if (e['res']) resSeen.add(e['res']);
      } else if (n.suffix === 'mask' && e['desc'] === 'brain') {
        if (entry.mask && e['res'] === undefined) continue;
        entry.mask = join(func, f);
      } else continue;
      entry.res = e['res'];
    }
    byKey.set(key, entry);
  }
  if (!surface && o.res === undefined && resSeen.size > 1) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where,
      message: `${func} holds ${o.space} series at several resolutions (${[...resSeen].sort().join(', ')})`,
      hint: 'Choose one with the res option (--res).',
    });
  }
  const perTask = new Map<string, number>();
  const complete = [...byKey.values()].filter((e) => (surface ? e.L && e.R : e.bold));
  for (const e of complete) perTask.set(e.task, (perTask.get(e.task) ?? 0) + 1);
  return complete
    .sort((a, b) => a.task.localeCompare(b.task) || Number(a.run ?? 0) - Number(b.run ?? 0))
    .map((e) => ({
      story: perTask.get(e.task)! > 1 ? `${e.task}_run-${e.run}` : e.task,
      task: e.task,
      ...(e.run ? { run: e.run } : {}),
      files: surface
        ? { kind: 'surface', left: e.L!, right: e.R! }
        : { kind: 'volume', bold: e.bold!, ...(e.mask ? { mask: e.mask } : {}) },
    }));
}

/**
 * The ground truth a voxelwise simulator wrote beside a dataset (`simulation/ground-truth.json`),
 * as assembly metadata (`groundTruth`: 0/1 `planted` and `snr` per column, the region), so a run on
 * the imported subject can be scored against it as a simulated LeBel subject is. Only when the file
 * describes this layout, space and subject; a real dataset has none.
 */
export async function simulatedTruth(
  root: string,
  layout: 'narratives' | 'lpp',
  subject: string,
  space: string,
  nColumns: number,
): Promise<Record<string, unknown> | undefined> {
  const file = join(root, 'simulation', 'ground-truth.json');
  if (!existsSync(file)) return undefined;
  let json: {
    layout?: unknown;
    subject?: unknown;
    space?: unknown;
    truth?: { planted?: unknown; snr?: unknown; region?: unknown; features?: unknown; delays?: unknown };
  };
  try {
    json = JSON.parse((await readSource(file, `assembly:${layout}`)).toString('utf8')) as typeof json;
  } catch {
    return undefined;
  }
  const planted = json.truth?.planted;
  const snr = json.truth?.snr;
  if (json.layout !== layout || json.subject !== subject || json.space !== space || !Array.isArray(planted) || !Array.isArray(snr))
    return undefined;
  const mask = new Array<number>(nColumns).fill(0);
  const snrs = new Array<number>(nColumns).fill(0);
  for (const [k, c] of (planted as unknown[]).entries()) {
    if (!Number.isInteger(c) || (c as number) < 0 || (c as number) >= nColumns) return undefined;
    mask[c as number] = 1;
    snrs[c as number] = Number(snr[k]) || 0;
  }
  return { source: file, planted: mask, snr: snrs, region: json.truth?.region, features: json.truth?.features, delays: json.truth?.delays };
}
