import { canonicalJson, z } from '@voxelwise/core';
import { sha256Bytes } from '@voxelwise/io';

/** Name of the manifest file at the root of a native assembly directory. */
export const MANIFEST_FILE = 'assembly.json';

/** Value of the manifest's `format` field. */
export const FORMAT_NAME = 'voxelwise-assembly';

/** Version of the native layout this package writes and reads. */
export const FORMAT_VERSION = 1;

/** Voxels per record batch of a responses file. @default 4096 */
export const DEFAULT_VOXEL_CHUNK = 4096;

const fileEntry = z.object({
  /** Path relative to the assembly directory. */
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * SHA-256 of each record batch's float32 values, in batch order (responses and repeats files;
   * checked as each batch is read). Assemblies written before 0.1 lack it: their files are checked
   * whole, once, against `sha256`.
   */
  blocks: z.array(z.string().regex(/^[0-9a-f]{64}$/)).optional(),
});

const storyEntry = z.object({
  name: z.string().min(1),
  /** Directory of the story's files, relative to the assembly directory. */
  dir: z.string(),
  nTRs: z.number().int().nonnegative(),
  nWords: z.number().int().nonnegative(),
  nResponseRows: z.number().int().nonnegative(),
  nVoxels: z.number().int().nonnegative(),
  trim: z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }),
  /** Repeats stored in `repeats.arrow` (their mean is `responses.arrow`). */
  nRepeats: z.number().int().positive().optional(),
  files: z.object({ words: fileEntry, trs: fileEntry, responses: fileEntry, repeats: fileEntry.optional() }),
  /** Voxels whose response is constant in this story (they score 0). */
  constantVoxels: z.array(z.number().int()),
  /** Voxels whose NaN/Inf responses were set to 0 on import. */
  zeroedVoxels: z.array(z.number().int()),
  /** Words past the end of the TR grid that were accepted (they reach only trimmed TRs). */
  overhang: z.object({ words: z.number().int().positive(), seconds: z.number().nonnegative(), gridEnd: z.number() }).optional(),
  /** The story's audio: where it is (it is not copied) and the SHA-256 of its bytes at import. */
  audio: z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  /** Source files and their hashes, and anything else the source recorded. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** The manifest schema (`assembly.json`). */
export const manifestSchema = z.object({
  format: z.literal(FORMAT_NAME),
  version: z.literal(FORMAT_VERSION),
  subject: z.string(),
  tr: z.number().positive(),
  nVoxels: z.number().int().nonnegative(),
  trimming: z.string().optional(),
  /** Voxels per record batch in every responses file. */
  voxelChunk: z.number().int().positive(),
  storyNames: z.array(z.string()),
  testStories: z.array(z.string()),
  stories: z.array(storyEntry),
  provenance: z.record(z.string(), z.unknown()).optional(),
  /** Other assembly metadata (e.g. a simulator's ground truth). */
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Extra files stored with the assembly (e.g. `ground-truth.arrow`), by name. */
  files: z.record(z.string(), fileEntry).optional(),
  writer: z.object({ name: z.string(), version: z.string() }),
  /**
   * SHA-256 of the canonical JSON of every other field ({@link manifestChecksum}): an edited or
   * damaged manifest is refused even when it still parses. Absent in manifests written before it.
   */
  checksum: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/** The parsed manifest of a native assembly. */
export type Manifest = z.output<typeof manifestSchema>;

/** One story's entry in the manifest. */
export type ManifestStory = Manifest['stories'][number];

/** A file's entry in the manifest. */
export type ManifestFile = z.output<typeof fileEntry>;

/** A directory name for a story: its name when that is a safe path segment, else a sanitised one with its index. */
export function storyDirName(name: string, index: number): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(name)) return name;
  return `${String(index).padStart(3, '0')}-${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}`;
}

/** SHA-256 of a parsed manifest's canonical JSON, its own `checksum` field left out. */
export function manifestChecksum(json: Record<string, unknown>): string {
  const { checksum: _checksum, ...rest } = json;
  return sha256Bytes(canonicalJson(rest));
}
