import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '@voxelwise/io';
import type { SweepJob } from './sweep-record.js';

/** `<dir>/slurm/jobs.json`: the jobs the submitting process recorded (it alone writes the file). */
function jobsPath(dir: string): string {
  return join(dir, 'slurm', 'jobs.json');
}

/** The Slurm jobs a sweep submitted, oldest first (empty for a local sweep). */
export async function readJobs(dir: string): Promise<SweepJob[]> {
  try {
    const parsed = JSON.parse(await readFile(jobsPath(dir), 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as SweepJob[]) : [];
  } catch {
    return [];
  }
}

/** Records newly submitted jobs after the earlier ones. */
export async function appendJobs(dir: string, jobs: readonly SweepJob[]): Promise<void> {
  await writeJsonAtomic(jobsPath(dir), [...(await readJobs(dir)), ...jobs]);
}
