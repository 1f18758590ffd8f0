import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Stable JSON (sorted keys) for hashing configs. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 of the config's stable JSON. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(stableStringify(config)).digest('hex');
}

/** `<name>-<YYYYMMDD-HHMMSS>-<hash8>` */
export function makeRunId(name: string, hash: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${name}-${stamp}-${hash.slice(0, 8)}`;
}

/**
 * A run directory built in a hidden temp folder and renamed into place on commit, so a
 * crashed run never leaves a half-written directory under its final name.
 */
export class RunDirectory {
  readonly finalDir: string;
  readonly tempDir: string;

  private constructor(outDir: string, readonly runId: string) {
    this.finalDir = join(outDir, runId);
    this.tempDir = join(outDir, `.${runId}.${randomBytes(4).toString('hex')}.tmp`);
  }

  static async create(outDir: string, runId: string): Promise<RunDirectory> {
    const dir = new RunDirectory(outDir, runId);
    await mkdir(dir.tempDir, { recursive: true });
    return dir;
  }

  path(file: string): string {
    return join(this.tempDir, file);
  }

  async writeJson(file: string, value: unknown): Promise<void> {
    await writeFile(this.path(file), `${JSON.stringify(value, null, 2)}\n`);
  }

  async writeBytes(file: string, bytes: Uint8Array | string): Promise<void> {
    await writeFile(this.path(file), bytes);
  }

  async commit(): Promise<string> {
    await rm(this.finalDir, { recursive: true, force: true });
    await rename(this.tempDir, this.finalDir);
    return this.finalDir;
  }

  async discard(): Promise<void> {
    await rm(this.tempDir, { recursive: true, force: true });
  }
}
