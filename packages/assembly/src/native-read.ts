import { existsSync } from 'node:fs';
import { readSource } from './read-source.js';
import { join, resolve } from 'node:path';
import { formatIssues, resolveVoxelRange, voxelwiseError, wordMidpoints } from '@voxelwise/core';
import type { Assembly, AssemblyMetadata, ResponseBlock, Story } from '@voxelwise/core';
import { openChunkedFile, readColumnsFile } from './arrow-io.js';
import { FORMAT_NAME, MANIFEST_FILE, manifestChecksum, manifestSchema } from './native-format.js';
import type { Manifest, ManifestFile, ManifestStory } from './native-format.js';
import { hashFile } from './hash.js';
import { storyCache } from './story-cache.js';
import { readGeometry } from './geometry-json.js';
import { unknownStory } from './story-checks.js';

const WHERE = 'assembly:arrow';

/** An assembly opened from the native format, with its manifest and directory. */
export interface NativeAssembly extends Assembly {
  readonly dir: string;
  readonly manifest: Manifest;
}

/** Reads and checks `assembly.json`; `E_FILE_NOT_FOUND` / `E_FILE_FORMAT` naming the file. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(resolve(dir), MANIFEST_FILE);
  if (!existsSync(file)) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `${resolve(dir)} is not a voxelwise assembly (no ${MANIFEST_FILE})`,
      hint: 'Create one with "voxelwise assembly import-lebel", "assembly import" or "assembly simulate".',
      details: { file },
    });
  }
  let json: unknown;
  const text = (await readSource(file, WHERE)).toString('utf8');
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where: WHERE, message: `${file} is not valid JSON`, cause, details: { file } });
  }
  const claimed = (json as { checksum?: unknown } | null)?.checksum;
  if (
    typeof claimed === 'string' &&
    typeof json === 'object' &&
    json !== null &&
    manifestChecksum(json as Record<string, unknown>) !== claimed
  ) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: WHERE,
      message: `${file} changed since it was written (its checksum does not match its content)`,
      hint: 'The manifest was edited or damaged; copy the assembly again or re-import it.',
      details: { file },
    });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const format = (json as { format?: unknown } | null)?.format;
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: WHERE,
      message:
        format !== FORMAT_NAME
          ? `${file} is not a voxelwise assembly manifest`
          : `${file} is not a valid manifest: ${formatIssues(parsed.error.issues)}`,
      details: { file, issues: parsed.error.issues },
      hint: format !== FORMAT_NAME ? undefined : 'Re-import the assembly with this version of voxelwise.',
    });
  }
  const m = parsed.data;
  const names = new Set(m.stories.map((s) => s.name));
  for (const n of [...m.storyNames, ...m.testStories]) {
    if (!names.has(n))
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: WHERE,
        message: `${file} lists story "${n}" but has no entry for it`,
        details: { file },
      });
  }
  return m;
}

function bad(file: string, message: string, got?: unknown, expected?: unknown): never {
  throw voxelwiseError({
    code: 'E_FILE_FORMAT',
    where: WHERE,
    message: `${file}: ${message}`,
    ...(got !== undefined ? { got } : {}),
    ...(expected !== undefined ? { expected } : {}),
    hint: 'The assembly directory was changed or damaged; run "voxelwise assembly validate" or re-import it.',
    details: { file },
  });
}

/** How reads of one responses/repeats file are checked. */
interface FileCheck {
  /** Per-batch digests from the manifest (checked batch by batch). */
  readonly blocks?: readonly string[];
  /** Whole-file check for assemblies written without per-batch digests (run once per file). */
  readonly whole?: () => Promise<void>;
}

/** Reads voxels `[v0, v1)` of one block-chunked matrix (`batchOffset` skips earlier repeats). */
async function readRange(
  check: FileCheck | undefined,
  file: string,
  rows: number,
  nVox: number,
  chunk: number,
  v0: number,
  v1: number,
  batchOffset: number,
): Promise<Float32Array> {
  const w = v1 - v0;
  const out = new Float32Array(rows * w);
  if (w === 0 || rows === 0) return out;
  await check?.whole?.();
  const cf = await openChunkedFile(file, check?.blocks);
  try {
    const nBlocks = Math.ceil(nVox / chunk);
    if (cf.numBatches < batchOffset + nBlocks)
      bad(file, 'has fewer record batches than its voxel count needs', cf.numBatches, batchOffset + nBlocks);
    for (let b = Math.floor(v0 / chunk); b * chunk < v1; b++) {
      const b0 = b * chunk;
      const bw = Math.min(nVox, b0 + chunk) - b0;
      const values = await cf.batch(batchOffset + b);
      if (values.length !== rows * bw) bad(file, `record batch ${batchOffset + b} has ${values.length} values`, values.length, rows * bw);
      const s0 = Math.max(v0, b0) - b0;
      const s1 = Math.min(v1, b0 + bw) - b0;
      const dst = Math.max(v0, b0) - v0;
      if (s0 === 0 && s1 === bw && w === bw) out.set(values);
      else for (let i = 0; i < rows; i++) out.set(values.subarray(i * bw + s0, i * bw + s1), i * w + dst);
    }
  } finally {
    await cf.close();
  }
  return out;
}

function storyFrom(
  dir: string,
  m: Manifest,
  e: ManifestStory,
  words: Story['words'],
  trTimes: Float64Array,
  checkOf: (f: ManifestFile) => FileCheck | undefined,
): Story {
  const path = (p: string) => join(dir, p);
  const range = (r: { voxelStart?: number; voxelEnd?: number } = {}): [number, number] => {
    const [v0, v1] = resolveVoxelRange(r, e.nVoxels, e.name, WHERE);
    return [v0, v1];
  };
  const story: Story = {
    name: e.name,
    words,
    wordTimes: wordMidpoints(words),
    trTimes,
    trim: e.trim,
    nResponseRows: e.nResponseRows,
    nVoxels: e.nVoxels,
    ...(e.overhang ? { overhang: e.overhang } : {}),
    ...(e.zeroedVoxels.length > 0 ? { zeroedVoxels: e.zeroedVoxels } : {}),
    ...(e.audio ? { audio: e.audio } : {}),
    metadata: {
      ...(e.metadata ?? {}),
      files: {
        words: path(e.files.words.path),
        trs: path(e.files.trs.path),
        responses: path(e.files.responses.path),
        ...(e.files.repeats ? { repeats: path(e.files.repeats.path) } : {}),
      },
      constantVoxels: e.constantVoxels,
      zeroedVoxels: e.zeroedVoxels,
    },
    async responses(r): Promise<ResponseBlock> {
      const [v0, v1] = range(r);
      const data = await readRange(
        checkOf(e.files.responses),
        path(e.files.responses.path),
        e.nResponseRows,
        e.nVoxels,
        m.voxelChunk,
        v0,
        v1,
        0,
      );
      return { rows: e.nResponseRows, cols: v1 - v0, data, voxelStart: v0 };
    },
  };
  if (!e.nRepeats || !e.files.repeats) return story;
  const nRep = e.nRepeats;
  const repeatsFile = path(e.files.repeats.path);
  return {
    ...story,
    nRepeats: nRep,
    async repeatResponses(repeat, r): Promise<ResponseBlock> {
      if (!Number.isInteger(repeat) || repeat < 0 || repeat >= nRep) {
        throw voxelwiseError({ code: 'E_DATA_INVALID', where: WHERE, message: `story "${e.name}" has repeats 0–${nRep - 1}`, got: repeat });
      }
      const [v0, v1] = range(r);
      const data = await readRange(
        checkOf(e.files.repeats!),
        repeatsFile,
        e.nResponseRows,
        e.nVoxels,
        m.voxelChunk,
        v0,
        v1,
        repeat * Math.ceil(e.nVoxels / m.voxelChunk),
      );
      return { rows: e.nResponseRows, cols: v1 - v0, data, voxelStart: v0 };
    },
  };
}

/** Options of {@link openAssembly}. */
export interface OpenAssemblyOptions {
  /**
   * Check every file against the manifest as it is read: words and TR files by their SHA-256,
   * responses and repeats batch by batch (per-batch SHA-256 recorded at import). Assemblies
   * written without per-batch digests have each responses file hashed whole, once, on first read.
   * A mismatch is an `E_FILE_FORMAT` error naming the file and the batch. @default true
   */
  verify?: boolean;
}

/**
 * Opens a native assembly directory. Words and TR times load when a story is opened; responses
 * load per call, reading only the record batches of the requested voxels. Everything read is
 * checked against the digests in the manifest (see {@link OpenAssemblyOptions.verify}).
 *
 * @example
 * const assembly = await openAssembly('UTS03.vw');
 * const story = await assembly.story('wheretheressmoke');
 * const first1000 = await story.responses({ voxelStart: 0, voxelEnd: 1000 });
 */
export async function openAssembly(dir: string, options: OpenAssemblyOptions = {}): Promise<NativeAssembly> {
  const root = resolve(dir);
  const manifest = await readManifest(root);
  const verify = options.verify ?? true;
  const wholeChecks = new Map<string, Promise<void>>();
  const checkOf = (f: ManifestFile): FileCheck | undefined => {
    if (!verify) return undefined;
    if (f.blocks) return { blocks: f.blocks };
    const file = join(root, f.path);
    return {
      whole: () => {
        let p = wholeChecks.get(file);
        if (!p) {
          p = hashFile(file).then((d) => {
            if (d.bytes !== f.bytes || d.sha256 !== f.sha256)
              bad(file, `changed since it was written (${d.bytes} bytes, expected ${f.bytes}; its SHA-256 does not match the manifest)`);
          });
          // A failed check stays failed; a missing file is reported by the reader itself.
          wholeChecks.set(file, p);
        }
        return p;
      },
    };
  };
  const byName = new Map(manifest.stories.map((s) => [s.name, s]));
  const load = async (e: ManifestStory): Promise<Story> => {
    const wf = join(root, e.files.words.path);
    const tf = join(root, e.files.trs.path);
    const w = await readColumnsFile(wf, verify ? e.files.words : undefined);
    if (w.length !== e.nWords) bad(wf, `holds ${w.length} words but the manifest says ${e.nWords}`);
    const t = await readColumnsFile(tf, verify ? e.files.trs : undefined);
    if (t.length !== e.nTRs) bad(tf, `holds ${t.length} TR times but the manifest says ${e.nTRs}`);
    const words = { text: w.strings('text'), lower: w.strings('lower'), onset: w.numbers('onset'), offset: w.numbers('offset') };
    return storyFrom(root, manifest, e, words, t.numbers('time'), checkOf);
  };
  const { metadata: extra, ...m } = manifest;
  const geometry = readGeometry(extra?.['geometry'], root, join(root, MANIFEST_FILE));
  const metadata: AssemblyMetadata = {
    ...(extra ?? {}),
    ...(geometry ? { geometry } : {}),
    subject: m.subject,
    tr: m.tr,
    nVoxels: m.nVoxels,
    ...(m.trimming !== undefined ? { trimming: m.trimming } : {}),
    provenance: m.provenance ?? {},
  };
  const open = storyCache(load);
  return {
    dir: root,
    manifest,
    metadata,
    storyNames: manifest.storyNames,
    testStories: manifest.testStories,
    story(name) {
      const e = byName.get(name);
      if (!e) {
        return Promise.reject(unknownStory(name, `assembly ${root}`, manifest.storyNames, WHERE));
      }
      return open(name, e);
    },
  };
}
