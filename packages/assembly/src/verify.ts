import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSink } from '@voxelwise/core';
import { hashFile } from './hash.js';
import type { Manifest, ManifestFile } from './native-format.js';
import type { ValidationIssue } from './validate.js';

/**
 * Checks that every file a native assembly's manifest lists exists with the recorded size and
 * SHA-256 (so a truncated copy or an edited file is caught before it yields wrong scores).
 *
 * @example
 * const a = await openAssembly('UTS03.vw');
 * const issues = await verifyAssemblyFiles(a.dir, a.manifest);
 */
export async function verifyAssemblyFiles(dir: string, manifest: Manifest, emit?: EventSink): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  const files: Array<{ story?: string; f: ManifestFile }> = [];
  for (const s of manifest.stories) for (const f of Object.values(s.files)) if (f) files.push({ story: s.name, f });
  for (const f of Object.values(manifest.files ?? {})) files.push({ f });
  const total = files.reduce((t, x) => t + x.f.bytes, 0);
  let done = 0;
  for (const { story, f } of files) {
    const path = join(dir, f.path);
    const at = story ? { story } : {};
    if (!existsSync(path)) {
      issues.push({
        code: 'E_FILE_NOT_FOUND',
        severity: 'error',
        ...at,
        file: path,
        message: `${path} is missing${story ? ` (story "${story}")` : ''}`,
      });
      continue;
    }
    const d = await hashFile(path);
    if (d.bytes !== f.bytes || d.sha256 !== f.sha256) {
      issues.push({
        code: 'E_FILE_FORMAT',
        severity: 'error',
        ...at,
        file: path,
        message: `${path} changed since it was written${story ? ` (story "${story}")` : ''}: ${d.bytes} bytes, SHA-256 ${d.sha256.slice(0, 12)}…, expected ${f.bytes} bytes, ${f.sha256.slice(0, 12)}…. Re-import the assembly`,
      });
    }
    done += f.bytes;
    emit?.({
      type: 'stage:progress',
      stage: 'assembly/verify',
      done: Math.round(done / 1e6),
      total: Math.round(total / 1e6),
      unit: 'MB',
      message: story ?? f.path,
    });
  }
  return issues;
}
