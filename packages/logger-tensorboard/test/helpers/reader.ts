import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** tools/reference/tensorboard_reader.py */
const READER = fileURLToPath(new URL('../../../../tools/reference/tensorboard_reader.py', import.meta.url));

/** Debian's interpreter, where python3-protobuf is installed (a pyenv or venv python3 may lack it). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** What the reference reader prints. */
export interface ReaderOutput {
  crc: string;
  files: Array<{ path: string; bytes: number; records: number }>;
  file_versions: string[];
  /** Values as float32; NaN and infinities as strings (JSON has none). */
  scalars: Record<string, Array<[number, number | string]>>;
  histograms: Record<
    string,
    Array<{
      step: number;
      min: number;
      max: number;
      num: number;
      sum: number;
      sum_squares: number;
      bucket_limit: number[];
      bucket: number[];
    }>
  >;
  texts: Record<string, Array<{ step: number; plugin: string; dtype: number; rank: number; text: string[] }>>;
  images: Record<
    string,
    Array<{
      step: number;
      width: number;
      height: number;
      colorspace: number;
      bytes: number;
      png: boolean;
      png_width: number;
      png_height: number;
    }>
  >;
}

/** Why the reader cannot run here (python3-protobuf or protoc missing), or undefined when it can. */
export const readerUnavailable: string | undefined = (() => {
  const probe = spawnSync(PYTHON, [READER, '--check'], { encoding: 'utf8' });
  if (probe.error) return `no ${PYTHON}`;
  return probe.status === 3 ? probe.stderr.trim() : undefined;
})();

/** Runs the reader on paths and returns its exit status, JSON and stderr. */
export function runReader(...paths: string[]): { status: number | null; out?: ReaderOutput; stderr: string } {
  const r = spawnSync(PYTHON, [READER, ...paths], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stderr: r.stderr, ...(r.status === 0 ? { out: JSON.parse(r.stdout) as ReaderOutput } : {}) };
}
