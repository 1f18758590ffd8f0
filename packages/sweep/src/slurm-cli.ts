import { execFile } from 'node:child_process';
import { voxelwiseError } from '@voxelwise/core';

/** Runs a Slurm client command; resolves its stdout, rejects with `E_BACKEND` naming the command and its stderr. */
function slurmCommand(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        voxelwiseError({
          code: 'E_BACKEND',
          where: 'sweep:slurm',
          message: missing
            ? `${cmd} is not installed or not on PATH`
            : `${cmd} ${args.join(' ')} failed: ${(stderr || error.message).trim()}`,
          cause: error,
          hint: missing
            ? 'Run the Slurm executor on a login node of the cluster (sbatch, squeue and scancel on PATH), or use executor local.'
            : 'Check the resources of the sweep (partition, account, mem, time) against "sinfo" and your allocation.',
        }),
      );
    });
  });
}

/** `sbatch --parsable`: submits a script and returns its job id. */
export async function sbatch(script: string, flags: readonly string[] = []): Promise<string> {
  const out = await slurmCommand('sbatch', ['--parsable', ...flags, script]);
  // --parsable prints "<id>" or "<id>;<cluster>".
  const id = out.trim().split(';')[0]!;
  if (!/^\d+$/.test(id)) {
    throw voxelwiseError({
      code: 'E_BACKEND',
      where: 'sweep:slurm',
      message: `sbatch printed no job id for ${script} (got "${out.trim()}")`,
    });
  }
  return id;
}

/** A job or array task as squeue lists it. */
export interface QueuedTask {
  /** `<job>` or `<array job>_<task>`. */
  id: string;
  /** PENDING, RUNNING, COMPLETING, … */
  state: string;
  /** Why it is pending (Dependency, Resources, DependencyNeverSatisfied, …). */
  reason: string;
}

/** The queued tasks of the given jobs, one line per array task (`squeue -r`). Finished jobs are gone. */
export async function squeue(jobIds: readonly string[]): Promise<QueuedTask[]> {
  if (jobIds.length === 0) return [];
  let out: string;
  try {
    out = await slurmCommand('squeue', ['-h', '-r', '-j', jobIds.join(','), '-o', '%i|%T|%r']);
  } catch (error) {
    // squeue fails with "Invalid job id" once every listed job has left the controller's memory.
    if (/Invalid job id/i.test((error as Error).message)) return [];
    throw error;
  }
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', state = '', reason = ''] = line.split('|');
      return { id: id.trim(), state: state.trim(), reason: reason.trim() };
    });
}

/**
 * Final states of finished tasks from `sacct` (`<task id> → COMPLETED | FAILED | TIMEOUT |
 * OUT_OF_MEMORY | CANCELLED …`). Empty where the cluster keeps no accounting (sacct then fails):
 * the sweep's own state files say what happened in any case.
 */
export async function sacctStates(jobIds: readonly string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  if (jobIds.length === 0) return states;
  try {
    const out = await slurmCommand('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State']);
    for (const line of out.split('\n').filter(Boolean)) {
      const [id = '', state = ''] = line.split('|');
      states.set(id.trim(), state.trim().split(' ')[0]!);
    }
  } catch {
    // No accounting storage: fall back to the state files.
  }
  return states;
}

/** `scancel` the given jobs (whole arrays). */
export async function scancel(jobIds: readonly string[]): Promise<void> {
  if (jobIds.length > 0) await slurmCommand('scancel', [...jobIds]);
}
