import { isVoxelwiseError, voxelwiseError } from '@voxelwise/core';
import type { Assembly, EventSink, ResponseBlock, Story, VoxelwiseError } from '@voxelwise/core';
import type { ValidationIssue } from './validate-issue.js';
import { looksLikePhones } from './tier-choice.js';
import { checkWordTiming } from './word-timing.js';

export type { ValidationIssue } from './validate-issue.js';

/** Per-story results of scanning responses. */
export interface StoryScan {
  readonly story: string;
  readonly rows: number;
  readonly voxels: number;
  /** Voxels holding NaN or ±Inf (zeroed when `nonFinite: 'zero'`). */
  readonly nonFiniteVoxels: readonly number[];
  /** Voxels whose response never changes in this story: they must score 0, not NaN. */
  readonly constantVoxels: readonly number[];
}

/** What {@link validateAssembly} found. */
export interface ValidationReport {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean;
  readonly issues: readonly ValidationIssue[];
  readonly stories: readonly StoryScan[];
}

/** Where a story's data lives, for messages (`Story.metadata.files` of voxelwise sources). */
export function storyFiles(story: Story): { words?: string; responses?: string; trs?: string } {
  const files = story.metadata?.['files'];
  return typeof files === 'object' && files !== null ? (files as { words?: string; responses?: string; trs?: string }) : {};
}

const listVoxels = (v: readonly number[]): string =>
  v.length <= 10 ? v.join(', ') : `${v.slice(0, 10).join(', ')} … (${v.length} in all)`;

/** Turns an issue into the error an import throws. */
export function issueError(issue: ValidationIssue): VoxelwiseError {
  return voxelwiseError({
    code: issue.code,
    where: 'assembly:validate',
    message: issue.message,
    details: { story: issue.story, file: issue.file, voxels: issue.voxels },
  });
}

/**
 * Checks a story's words and TR grid with the shared {@link checkWordTiming} (empty stories, words
 * out of order, overlapping, negative or non-finite, words past the end of the scan that would
 * change kept rows, a TR grid that is not increasing), and response rows that do not match the
 * grid minus its trims. An accepted overhang is not an issue (see {@link checkWordTiming}).
 */
export function checkStoryTiming(story: Story): ValidationIssue[] {
  const files = storyFiles(story);
  const issues = [...checkWordTiming(story, files).issues];
  const nTR = story.trTimes.length;
  const add = (code: ValidationIssue['code'], message: string, file?: string) =>
    issues.push({ code, severity: 'error', story: story.name, ...(file ? { file } : {}), message });
  if (looksLikePhones(story.words.text)) {
    const sample = story.words.text.slice(0, 5).map((w) => `"${w}"`);
    add(
      'E_DATA_INVALID',
      `story "${story.name}": the words are ARPAbet phone labels (${sample.join(', ')}, …), so the phone tier was read as the word tier${files.words ? ` (${files.words})` : ''}. Name the TextGrid tiers "word" and "phone" and import again`,
      files.words,
    );
  }
  const expectedRows = nTR - story.trim.start - story.trim.end;
  if (expectedRows <= 0) {
    add(
      'E_ALIGNMENT',
      `story "${story.name}": the TR grid has ${nTR} TRs, no more than the trims (${story.trim.start} + ${story.trim.end})`,
      files.responses,
    );
  } else if (story.nResponseRows !== expectedRows) {
    add(
      'E_ALIGNMENT',
      `story "${story.name}": ${story.nResponseRows} response rows do not match the TR grid (${nTR} TRs minus trims ${story.trim.start}/${story.trim.end} = ${expectedRows} rows)`,
      files.responses,
    );
  }
  return issues;
}

/** Non-finite and constant voxels of a rows × w block whose first column is voxel `voxelStart`; optionally zeroes non-finite values in place. */
export function scanBlock(
  data: Float32Array,
  rows: number,
  w: number,
  voxelStart: number,
  zero: boolean,
): { nonFinite: number[]; constant: number[] } {
  const nonFinite: number[] = [];
  const constant: number[] = [];
  if (rows === 0) return { nonFinite, constant };
  // One branch-free pass: x·0 is NaN exactly when x is NaN or ±Inf, and |x − x₀| sums to 0
  // exactly when a (finite) column never changes.
  const fin = new Float64Array(w);
  const dev = new Float64Array(w);
  for (let i = 0; i < rows; i++) {
    const o = i * w;
    for (let j = 0; j < w; j++) {
      const x = data[o + j]!;
      fin[j]! += x * 0;
      dev[j]! += Math.abs(x - data[j]!);
    }
  }
  for (let j = 0; j < w; j++) {
    if (fin[j] !== 0) {
      nonFinite.push(voxelStart + j);
      if (zero) for (let i = 0; i < rows; i++) if (!Number.isFinite(data[i * w + j]!)) data[i * w + j] = 0;
    } else if (dev[j] === 0) constant.push(voxelStart + j);
  }
  // A zeroed column may have become constant.
  if (zero) {
    for (const v of nonFinite) {
      const j = v - voxelStart;
      let same = true;
      for (let i = 1; i < rows && same; i++) same = data[i * w + j] === data[j];
      if (same) constant.push(v);
    }
    constant.sort((a, b) => a - b);
  }
  return { nonFinite, constant };
}

/** Issues for the scan of one story's responses. */
export function scanIssues(
  story: string,
  file: string | undefined,
  scan: { nonFinite: readonly number[]; constant: readonly number[] },
  zeroed: boolean,
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const f = file ? { file } : {};
  if (scan.nonFinite.length > 0) {
    out.push({
      code: 'E_NOT_FINITE',
      severity: zeroed ? 'warning' : 'error',
      story,
      ...f,
      voxels: scan.nonFinite,
      message: zeroed
        ? `story "${story}": NaN/Inf responses were set to 0 in ${scan.nonFinite.length} voxels (${listVoxels(scan.nonFinite)})${file ? ` (${file})` : ''}`
        : `story "${story}": ${scan.nonFinite.length} voxels hold NaN or Inf responses (voxels ${listVoxels(scan.nonFinite)})${file ? ` in ${file}` : ''}. Mask them out, or import with nonFinite "zero" (--zero-nonfinite) to set them to 0`,
    });
  }
  if (scan.constant.length > 0) {
    out.push({
      code: 'E_DATA_INVALID',
      severity: 'warning',
      story,
      ...f,
      voxels: scan.constant,
      message: `story "${story}": ${scan.constant.length} voxels are constant (voxels ${listVoxels(scan.constant)}); they will score 0`,
    });
  }
  return out;
}

/** Options of {@link validateAssembly}. */
export interface ValidateOptions {
  /** Voxels read per block. @default 4096 */
  voxelChunk?: number;
  /** Only check the words and TR grids, not the responses. @default false */
  timingOnly?: boolean;
  emit?: EventSink;
  signal?: AbortSignal;
}

/**
 * Validates every story of an assembly: timing checks ({@link checkStoryTiming}), the voxel count
 * of each story against the assembly's, the rows actually stored, NaN/Inf voxels and constant
 * voxels (read one voxel block at a time, so memory stays small). Returns every issue found.
 *
 * @example
 * const report = await validateAssembly(await openAssembly('UTS03.vw'));
 * if (!report.ok) for (const i of report.issues) console.error(i.message);
 */
export async function validateAssembly(assembly: Assembly, options: ValidateOptions = {}): Promise<ValidationReport> {
  const chunk = options.voxelChunk ?? 4096;
  const issues: ValidationIssue[] = [];
  const stories: StoryScan[] = [];
  const nVox = assembly.metadata.nVoxels;
  for (const [idx, name] of assembly.storyNames.entries()) {
    if (options.signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where: 'assembly:validate', message: 'validation aborted' });
    let story: Story;
    try {
      story = await assembly.story(name);
    } catch (error) {
      // A story that cannot even be opened is one more issue, not the end of the report.
      if (!isVoxelwiseError(error)) throw error;
      issues.push({ code: error.code, severity: 'error', story: name, message: error.message });
      continue;
    }
    const files = storyFiles(story);
    issues.push(...checkStoryTiming(story));
    if (story.nVoxels !== nVox) {
      issues.push({
        code: 'E_SHAPE_MISMATCH',
        severity: 'error',
        story: name,
        ...(files.responses ? { file: files.responses } : {}),
        message: `story "${name}" has ${story.nVoxels} voxels but the assembly has ${nVox}${files.responses ? ` (${files.responses})` : ''}. Every story must hold the same voxels`,
      });
    }
    if (!options.timingOnly) {
      const nonFinite: number[] = [];
      const constant: number[] = [];
      for (let v0 = 0; v0 < story.nVoxels; v0 += chunk) {
        const v1 = Math.min(story.nVoxels, v0 + chunk);
        let block: ResponseBlock;
        try {
          block = await story.responses({ voxelStart: v0, voxelEnd: v1 });
        } catch (error) {
          if (!isVoxelwiseError(error)) throw error;
          issues.push({
            code: error.code,
            severity: 'error',
            story: name,
            ...(files.responses ? { file: files.responses } : {}),
            message: error.message,
          });
          break;
        }
        if (block.rows !== story.nResponseRows || block.cols !== v1 - v0) {
          issues.push({
            code: 'E_ALIGNMENT',
            severity: 'error',
            story: name,
            ...(files.responses ? { file: files.responses } : {}),
            message: `story "${name}": the stored responses have ${block.rows} × ${block.cols} values for voxels ${v0}–${v1 - 1}, expected ${story.nResponseRows} × ${v1 - v0}`,
          });
          break;
        }
        const s = scanBlock(block.data, block.rows, block.cols, v0, false);
        nonFinite.push(...s.nonFinite);
        constant.push(...s.constant);
        options.emit?.({
          type: 'stage:progress',
          stage: 'assembly/validate',
          done: idx * story.nVoxels + v1,
          total: assembly.storyNames.length * story.nVoxels,
          unit: 'voxel-stories',
          message: name,
        });
      }
      issues.push(...scanIssues(name, files.responses, { nonFinite, constant }, false));
      stories.push({ story: name, rows: story.nResponseRows, voxels: story.nVoxels, nonFiniteVoxels: nonFinite, constantVoxels: constant });
    }
  }
  return { ok: !issues.some((i) => i.severity === 'error'), issues, stories };
}

/** Throws the first error of a report (as a {@link VoxelwiseError}); returns the warnings. */
export function assertValid(report: ValidationReport): ValidationIssue[] {
  const first = report.issues.find((i) => i.severity === 'error');
  if (first) throw issueError(first);
  return report.issues.filter((i) => i.severity === 'warning');
}
