import type { Assembly } from '@voxelwise/core';

/** One story's line in {@link summarizeAssembly}. */
export interface StorySummary {
  name: string;
  /** TRs of the feature grid. */
  nTRs: number;
  /** Response rows (grid minus trims). */
  nRows: number;
  trim: { start: number; end: number };
  nWords: number;
  nVoxels: number;
  /** Float32 response bytes (all repeats included). */
  responseBytes: number;
  /** Bytes on disk, when the assembly is a native directory. */
  fileBytes?: number;
  test: boolean;
  nRepeats?: number;
}

/** What `voxelwise assembly info` prints. */
export interface AssemblySummary {
  subject: string;
  tr: number;
  nVoxels: number;
  trimming?: string;
  stories: StorySummary[];
  totals: { nTRs: number; nRows: number; nWords: number; responseBytes: number; fileBytes?: number };
}

/**
 * Stories, TRs, words, voxels and sizes of an assembly (reads words and grids, never responses).
 *
 * @example
 * const s = await summarizeAssembly(await openAssembly('UTS03.vw'));
 */
export async function summarizeAssembly(assembly: Assembly): Promise<AssemblySummary> {
  const manifest = (assembly as { manifest?: { stories: Array<{ name: string; files: Record<string, { bytes: number } | undefined> }> } })
    .manifest;
  const stories: StorySummary[] = [];
  for (const name of assembly.storyNames) {
    const s = await assembly.story(name);
    const entry = manifest?.stories.find((e) => e.name === name);
    const fileBytes = entry ? Object.values(entry.files).reduce((t, f) => t + (f?.bytes ?? 0), 0) : undefined;
    stories.push({
      name,
      nTRs: s.trTimes.length,
      nRows: s.nResponseRows,
      trim: { start: s.trim.start, end: s.trim.end },
      nWords: s.words.text.length,
      nVoxels: s.nVoxels,
      responseBytes: s.nResponseRows * s.nVoxels * 4 * (1 + (s.nRepeats ?? 0)),
      ...(fileBytes !== undefined ? { fileBytes } : {}),
      test: assembly.testStories.includes(name),
      ...(s.nRepeats ? { nRepeats: s.nRepeats } : {}),
    });
  }
  const sum = (k: 'nTRs' | 'nRows' | 'nWords' | 'responseBytes') => stories.reduce((t, s) => t + s[k], 0);
  const fileBytes = manifest ? stories.reduce((t, s) => t + (s.fileBytes ?? 0), 0) : undefined;
  const { subject, tr, nVoxels, trimming } = assembly.metadata;
  return {
    subject,
    tr,
    nVoxels,
    ...(trimming !== undefined ? { trimming } : {}),
    stories,
    totals: {
      nTRs: sum('nTRs'),
      nRows: sum('nRows'),
      nWords: sum('nWords'),
      responseBytes: sum('responseBytes'),
      ...(fileBytes !== undefined ? { fileBytes } : {}),
    },
  };
}
