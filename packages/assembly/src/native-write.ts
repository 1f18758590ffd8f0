import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import type { Assembly, EventSink, ResponseBlock, Story } from '@voxelwise/core';
import { writeDirAtomic } from '@voxelwise/io';
import { createChunkedWriter, digestOf, writeColumnsFile } from './arrow-io.js';
import type { ChunkedDigest } from './arrow-io.js';
import { hashFile } from './hash.js';
import type { SourceFile } from './hash.js';
import { DEFAULT_VOXEL_CHUNK, FORMAT_NAME, FORMAT_VERSION, MANIFEST_FILE, manifestChecksum, storyDirName } from './native-format.js';
import type { Manifest, ManifestStory } from './native-format.js';
import { assertValid, checkStoryTiming, issueError, scanBlock, scanIssues, storyFiles } from './validate.js';
import type { ValidationIssue } from './validate.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
import { checkWordTiming, reportOverhang } from './word-timing.js';

/** Options of {@link writeAssembly}. */
export interface WriteAssemblyOptions {
  /** Replace an existing directory (only once the new one is complete). @default false */
  overwrite?: boolean;
  /** Voxels per record batch. @default 4096 */
  voxelChunk?: number;
  /** NaN/Inf responses: fail (listing the voxels) or set them to 0 and record them. @default 'error' */
  nonFinite?: 'error' | 'zero';
  /** Compute SHA-256 of the source files listed in each story's `metadata.source.files`. @default true */
  hashSources?: boolean;
  /** Only these stories (in this order). @default every story */
  stories?: readonly string[];
  /** Merged into the manifest's provenance. */
  provenance?: Record<string, unknown>;
  /** Extra files to store with the assembly (relative path → bytes), listed in the manifest's `files`. */
  extraFiles?: Readonly<Record<string, Uint8Array>>;
  emit?: EventSink;
  signal?: AbortSignal;
}

/** What {@link writeAssembly} wrote. */
export interface WriteAssemblyResult {
  /** The assembly directory. */
  dir: string;
  manifest: Manifest;
  /** Warnings found while writing (constant voxels, zeroed NaN/Inf). */
  warnings: ValidationIssue[];
  /** Bytes written, all files together. */
  bytes: number;
}

const WHERE = 'assembly:write';

/** JSON-safe copy: typed arrays become arrays, Maps become objects. */
export function toJsonSafe(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonSafe(v)]));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSafe(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'writing the assembly was interrupted; nothing was written' });
}

/** Story metadata minus the current file locations (the reader sets its own). */
function sourceMetadata(story: Story): Record<string, unknown> {
  const { files: _files, ...rest } = (story.metadata ?? {}) as Record<string, unknown>;
  return rest;
}

async function hashSourceFiles(meta: Record<string, unknown>, emit: EventSink | undefined): Promise<void> {
  const source = meta['source'] as { files?: SourceFile[] } | undefined;
  for (const f of source?.files ?? []) {
    if (f.sha256) continue;
    emit?.({ type: 'log', level: 'debug', message: `hashing ${f.path}`, stage: 'assembly/write' });
    const d = await hashFile(f.path);
    f.sha256 = d.sha256;
    f.bytes = d.bytes;
  }
}

async function writeMatrixFile(
  path: string,
  meta: Record<string, string>,
  blocks: number,
  produce: (i: number) => Promise<Float32Array>,
  signal: AbortSignal | undefined,
): Promise<ChunkedDigest> {
  const writer = await createChunkedWriter(path, meta);
  try {
    for (let i = 0; i < blocks; i++) {
      checkAbort(signal);
      await writer.write(await produce(i));
    }
    return await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/**
 * Writes an assembly in the native format: a directory with `assembly.json` (subject, TR,
 * stories, voxel count, trimming, provenance with source paths and hashes, file sizes and
 * SHA-256) and per story `words.arrow` (text, lower, onset, offset), `trs.arrow` (TR times) and
 * `responses.arrow`: float32 rows × voxels stored as one record batch per block of `voxelChunk`
 * voxels (row-major inside the block), so one story or one voxel range is read without reading
 * the rest. Repeats, when a story has them, go to `repeats.arrow`. Every story is validated
 * first (timing, voxel count) and its responses while they stream (NaN/Inf, constant voxels,
 * rows); the directory appears only when everything is written.
 *
 * @example
 * await writeAssembly(await openLebel({ root: 'ds003020', subject: 'UTS03' }), 'UTS03.vw');
 */
export async function writeAssembly(assembly: Assembly, dir: string, options: WriteAssemblyOptions = {}): Promise<WriteAssemblyResult> {
  const chunk = options.voxelChunk ?? DEFAULT_VOXEL_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: 'option "voxelChunk" must be a positive integer',
      got: chunk,
    });
  }
  const zero = options.nonFinite === 'zero';
  const emit = options.emit;
  const names = options.stories ?? assembly.storyNames;
  const nVox = assembly.metadata.nVoxels;
  // Validate what can be checked without reading responses before anything is written.
  const stories: Story[] = [];
  const early: ValidationIssue[] = [];
  for (const name of names) {
    checkAbort(options.signal);
    const story = await assembly.story(name);
    early.push(...checkStoryTiming(story));
    if (story.nVoxels !== nVox) {
      const f = storyFiles(story).responses;
      early.push({
        code: 'E_SHAPE_MISMATCH',
        severity: 'error',
        story: name,
        ...(f ? { file: f } : {}),
        message: `story "${name}" has ${story.nVoxels} voxels but the assembly has ${nVox}${f ? ` (${f})` : ''}. Every story must hold the same voxels`,
      });
    }
    stories.push(story);
  }
  assertValid({ ok: false, issues: early, stories: [] });
  const testStories = assembly.testStories.filter((t) => names.includes(t));
  const totalBytes = stories.reduce((s, st) => s + st.nResponseRows * st.nVoxels * 4 * (1 + (st.nRepeats ?? 0)), 0);
  const warnings: ValidationIssue[] = [];

  return writeDirAtomic(
    dir,
    async (tmp) => {
      const entries: ManifestStory[] = [];
      let written = 0;
      let bytes = 0;
      const usedDirs = new Set<string>();
      const t0 = Date.now();
      emit?.({ type: 'stage:start', stage: 'assembly/write', time: t0 });
      for (const [idx, story] of stories.entries()) {
        let sub = storyDirName(story.name, idx);
        if (usedDirs.has(sub.toLowerCase())) sub = `${String(idx).padStart(3, '0')}-${sub}`;
        usedDirs.add(sub.toLowerCase());
        const rel = (f: string) => `stories/${sub}/${f}`;
        await mkdir(join(tmp, 'stories', sub), { recursive: true });
        const meta = sourceMetadata(story);
        if (options.hashSources ?? true) await hashSourceFiles(meta, emit);
        const words = await writeColumnsFile(join(tmp, rel('words.arrow')), [
          { name: 'text', kind: 'utf8', values: story.words.text },
          { name: 'lower', kind: 'utf8', values: story.words.lower ?? story.words.text.map((w) => w.toLowerCase()) },
          { name: 'onset', kind: 'float64', values: story.words.onset },
          { name: 'offset', kind: 'float64', values: story.words.offset },
        ]);
        const trs = await writeColumnsFile(join(tmp, rel('trs.arrow')), [{ name: 'time', kind: 'float64', values: story.trTimes }]);
        const rows = story.nResponseRows;
        const nBlocks = Math.ceil(story.nVoxels / chunk);
        const fileMeta = (kind: string, nRepeats?: number) => ({
          voxelwise: JSON.stringify({
            kind,
            story: story.name,
            rows,
            voxels: story.nVoxels,
            voxelChunk: chunk,
            layout: 'voxel-blocks/row-major',
            ...(nRepeats ? { repeats: nRepeats } : {}),
          }),
        });
        const nonFinite: number[] = [];
        const constant: number[] = [];
        const responsesFile = storyFiles(story).responses;
        const check = (block: ResponseBlock, v0: number, v1: number, what: 'responses' | 'repeat responses'): Float32Array => {
          if (block.rows !== rows || block.cols !== v1 - v0) {
            throw voxelwiseError({
              code: 'E_ALIGNMENT',
              where: WHERE,
              message: `story "${story.name}": ${what} for voxels ${v0}–${v1 - 1} have ${block.rows} × ${block.cols} values${responsesFile ? ` (${responsesFile})` : ''}`,
              expected: [rows, v1 - v0],
            });
          }
          const scan = scanBlock(block.data, rows, v1 - v0, v0, false);
          let data = block.data;
          let constantHere = scan.constant;
          if (scan.nonFinite.length > 0) {
            if (!zero) throw issueError(scanIssues(story.name, responsesFile, { nonFinite: scan.nonFinite, constant: [] }, false)[0]!);
            data = Float32Array.from(block.data);
            constantHere = scanBlock(data, rows, v1 - v0, v0, true).constant;
          }
          if (what === 'responses') {
            nonFinite.push(...scan.nonFinite);
            constant.push(...constantHere);
          }
          written += rows * (v1 - v0) * 4;
          emit?.({
            type: 'stage:progress',
            stage: 'assembly/write',
            done: Math.round(written / 1e6),
            total: Math.round(totalBytes / 1e6),
            unit: 'MB',
            message: story.name,
          });
          return data;
        };
        const span = (i: number) => [i * chunk, Math.min(story.nVoxels, (i + 1) * chunk)] as const;
        const responses = await writeMatrixFile(
          join(tmp, rel('responses.arrow')),
          fileMeta('responses'),
          nBlocks,
          async (i) => {
            const [v0, v1] = span(i);
            return check(await story.responses({ voxelStart: v0, voxelEnd: v1 }), v0, v1, 'responses');
          },
          options.signal,
        );
        let repeats: ChunkedDigest | undefined;
        const nRep = story.nRepeats && story.repeatResponses ? story.nRepeats : 0;
        if (nRep > 0) {
          const rr = story.repeatResponses!.bind(story);
          // Repeat-major: batch r·nBlocks + b holds voxel block b of repeat r.
          repeats = await writeMatrixFile(
            join(tmp, rel('repeats.arrow')),
            fileMeta('repeats', nRep),
            nRep * nBlocks,
            async (i) => {
              const [v0, v1] = span(i % nBlocks);
              return check(await rr(Math.floor(i / nBlocks), { voxelStart: v0, voxelEnd: v1 }), v0, v1, 'repeat responses');
            },
            options.signal,
          );
        }
        const overhang = checkWordTiming(story, storyFiles(story)).overhang;
        reportOverhang(story, overhang, emit, 'assembly/write', storyFiles(story).words);
        const storyWarnings = scanIssues(story.name, responsesFile, { nonFinite, constant }, true);
        warnings.push(...storyWarnings);
        for (const w of storyWarnings) emit?.({ type: 'log', level: 'warn', message: w.message, stage: 'assembly/write' });
        bytes += words.bytes + trs.bytes + responses.bytes + (repeats?.bytes ?? 0);
        entries.push({
          name: story.name,
          dir: `stories/${sub}`,
          nTRs: story.trTimes.length,
          nWords: story.words.text.length,
          nResponseRows: rows,
          nVoxels: story.nVoxels,
          trim: { start: story.trim.start, end: story.trim.end },
          ...(nRep > 0 ? { nRepeats: nRep } : {}),
          files: {
            words: { path: rel('words.arrow'), ...words },
            trs: { path: rel('trs.arrow'), ...trs },
            responses: { path: rel('responses.arrow'), ...responses },
            ...(repeats ? { repeats: { path: rel('repeats.arrow'), ...repeats } } : {}),
          },
          constantVoxels: constant,
          zeroedVoxels: nonFinite,
          ...(overhang ? { overhang: { words: overhang.words, seconds: overhang.seconds, gridEnd: overhang.gridEnd } } : {}),
          ...(story.audio
            ? { audio: { path: resolve(story.audio.path), sha256: story.audio.sha256 ?? (await hashFile(story.audio.path)).sha256 } }
            : {}),
          metadata: toJsonSafe(meta) as Record<string, unknown>,
        });
      }
      const extra: Record<string, { path: string; bytes: number; sha256: string }> = {};
      for (const [name, data] of Object.entries(options.extraFiles ?? {})) {
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name === MANIFEST_FILE) {
          throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where: WHERE, message: `extra file name "${name}" is not a plain file name` });
        }
        await writeFile(join(tmp, name), data);
        extra[name] = { path: name, ...digestOf(data) };
        bytes += data.byteLength;
      }
      const { subject, tr, nVoxels, trimming, provenance, ...rest } = assembly.metadata;
      const manifest: Manifest = {
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        subject,
        tr,
        nVoxels,
        ...(trimming !== undefined ? { trimming } : {}),
        voxelChunk: chunk,
        storyNames: stories.map((s) => s.name),
        testStories,
        stories: entries,
        provenance: toJsonSafe({ ...(provenance ?? {}), ...(options.provenance ?? {}) }) as Record<string, unknown>,
        metadata: toJsonSafe(rest) as Record<string, unknown>,
        ...(Object.keys(extra).length > 0 ? { files: extra } : {}),
        writer: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
      };
      // The checksum covers what a reader will parse (JSON drops undefined fields).
      const checksum = manifestChecksum(JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>);
      const json = `${JSON.stringify({ ...manifest, checksum }, null, 1)}\n`;
      await writeFile(join(tmp, MANIFEST_FILE), json);
      bytes += Buffer.byteLength(json);
      emit?.({ type: 'stage:end', stage: 'assembly/write', durationMs: Date.now() - t0 });
      return { dir, manifest: { ...manifest, checksum }, warnings, bytes };
    },
    {
      overwrite: options.overwrite ?? false,
      where: WHERE,
      onStale: (found) => {
        for (const d of found) {
          const who = d.owner ? `pid ${d.owner.pid} on ${d.owner.host}` : 'an unknown process';
          const message = d.removed
            ? `removed ${d.path}, left by an earlier write of ${dir} that was killed (${who})`
            : `${d.path} was left by an earlier write of ${dir} (${who}, ${d.state}); it was not removed`;
          emit?.({
            type: 'log',
            level: d.removed ? 'info' : 'warn',
            message,
            stage: 'assembly/write',
            details: { path: d.path, state: d.state },
          });
        }
      },
    },
  );
}
