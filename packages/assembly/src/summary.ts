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
  /** Words past the end of the TR grid that were accepted (count and seconds). */
  overhang?: { words: number; seconds: number };
}

/** What `voxelwise assembly info` prints. */
export interface AssemblySummary {
  subject: string;
  tr: number;
  nVoxels: number;
  trimming?: string;
  /** The held-out test stories, in order (empty when the assembly names none). */
  testStories: string[];
  /** `nested-cv` when the assembly asks for nested cross-validation when a config names no test story. */
  defaultSplit?: 'nested-cv' | 'test-stories';
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
      ...(s.overhang ? { overhang: { words: s.overhang.words, seconds: s.overhang.seconds } } : {}),
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
    testStories: [...assembly.testStories],
    ...(assembly.metadata.defaultSplit ? { defaultSplit: assembly.metadata.defaultSplit } : {}),
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

/**
 * The headline `voxelwise assembly info` prints above its table: subject, TR, voxels, stories,
 * trimming, and the test stories by name (a newcomer needs them to configure a split).
 *
 * @example
 * summaryHeadline(await summarizeAssembly(a)); // 'subject UTS03 · TR 2 s · … · test stories: wheretheressmoke'
 */
export function summaryHeadline(s: AssemblySummary): string {
  const test =
    s.testStories.length > 0
      ? `test stories: ${s.testStories.join(', ')}`
      : s.defaultSplit === 'nested-cv'
        ? 'no test story: nested cross-validation over stories by default'
        : 'no test story (name one with testStories)';
  const over = s.stories.filter((x) => x.overhang);
  return [
    `subject ${s.subject}`,
    `TR ${s.tr} s`,
    `${s.nVoxels} voxels`,
    `${s.stories.length} stories`,
    ...(s.trimming ? [`trimming ${s.trimming}`] : []),
    test,
    ...(over.length > 0 ? [`speech past the scan end in ${over.map((x) => `${x.name} (${x.overhang!.words} words)`).join(', ')}`] : []),
  ].join(' · ');
}
