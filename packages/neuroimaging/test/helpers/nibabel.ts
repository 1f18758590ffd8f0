import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** tools/reference/neuroimaging_reference.py */
const SCRIPT = fileURLToPath(new URL('../../../../tools/reference/neuroimaging_reference.py', import.meta.url));

/** Debian's interpreter, where python3-nibabel is installed (a pyenv or venv python3 may lack it). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Why nibabel cannot run here (the CI needs `apt-get install python3-nibabel`), or undefined when it can. */
export const nibabelUnavailable: string | undefined = (() => {
  const probe = spawnSync(PYTHON, [SCRIPT, 'check'], { encoding: 'utf8' });
  if (probe.error) return `no ${PYTHON}`;
  return probe.status === 0 ? undefined : probe.stderr.trim() || `check exited ${probe.status}`;
})();

/** A number as the script writes it: non-finite values are strings. */
export type Num = number | 'nan' | 'inf' | '-inf';

/** What the script reports for a NIfTI file. */
export interface NiftiJson {
  kind: 'nifti';
  version: 1 | 2;
  little_endian: boolean;
  shape: number[];
  dim: number[];
  pixdim: Num[];
  datatype: number;
  bitpix: number;
  vox_offset: Num;
  scl_slope: Num;
  scl_inter: Num;
  slope_inter: [Num, Num] | null;
  qform_code: number;
  sform_code: number;
  quatern: Num[];
  qoffset: Num[];
  srow: Num[][];
  xyzt_units: number;
  intent_code: number;
  dim_info: number;
  descrip: string;
  affine: Num[][];
  qform: Num[][] | null;
  qform_any: Num[][];
  sform: Num[][] | null;
  raw: Num[];
  fdata: Num[];
}

/** What the script reports for a GIfTI file. */
export interface GiftiJson {
  kind: 'gifti';
  meta: Record<string, string>;
  labels: Array<{ key: number; label: string; rgba: Num[] | null }>;
  darrays: Array<{
    intent: string;
    datatype: string;
    dims: number[];
    encoding: string;
    meta: Record<string, string>;
    coordsys: { dataspace: string; xformspace: string; xform: Num[][] } | null;
    data: Num[];
  }>;
}

/** What the script reports for a FreeSurfer file. */
export type FreeSurferJson = { kind: 'surface'; coords: Num[]; faces: number[]; created_by: string } | { kind: 'morph'; values: Num[] };

export type ReferenceJson = NiftiJson | GiftiJson | FreeSurferJson;

function run(args: string[]): string {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`neuroimaging_reference.py ${args[0]} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Writes the reference files into `dir` and returns what nibabel read back from each. */
export function writeReferenceFiles(dir: string): Record<string, ReferenceJson> {
  run(['write', dir]);
  return JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')) as Record<string, ReferenceJson>;
}

/** What nibabel reads from `files`. */
export function nibabelRead(...files: string[]): Record<string, ReferenceJson> {
  return JSON.parse(run(['read', ...files])) as Record<string, ReferenceJson>;
}

/** A script number as a JS number. */
export function toNum(v: Num): number {
  return v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v;
}
