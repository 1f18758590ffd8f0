import { promises as fsp } from 'node:fs';
import path from 'node:path';
import {
  Field,
  FixedSizeList,
  Float32,
  Float64,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  Schema,
  Struct,
} from 'apache-arrow';
import { canonicalJson, voxelwiseError } from '@voxelwise/core';
import { isTempFileName, sha256Bytes, writeFileAtomic } from '@voxelwise/io';
import type { SpeechModelIdentity } from './speech-model.js';

/**
 * Version of the speech cache layout and of what "layer i" means; bump to invalidate every file.
 * 2: a file may hold layers `0 … n − 1` of an L-block encoder (`layers: needed`), and `hop` is keyed.
 */
export const SPEECH_CACHE_FORMAT = 2;

/** Schema metadata key holding {@link SpeechCacheMetadata} as JSON. */
export const SPEECH_CACHE_META_KEY = 'voxelwise:features-speech';

/** Everything that changes the stored numbers; its hash is the cache key. */
export interface SpeechCacheKeyParts {
  readonly format: number;
  /** Content hashes of the ONNX file, config and preprocessor config. */
  readonly model: SpeechModelIdentity;
  /** SHA-256 of the audio file's bytes. */
  readonly audio: string;
  /** Rate the audio was resampled to (the model's). */
  readonly sampleRate: number;
  readonly chunkSize: number;
  readonly contextSize: number;
  readonly pool: string;
  /** `real` or `padded` for Whisper, null for the others. */
  readonly whisperFrames: string | null;
  /** `padded` or `trimmed` for Whisper, null for the others. */
  readonly whisperInput: string | null;
  /** Seconds between encoder passes (`chunkSize` when no readout hop). */
  readonly hop: number;
  /** Layers the file holds, `0 … layers − 1` (the encoder's L, or fewer when it was truncated). */
  readonly layers: number;
}

/** What a cache file records about itself. */
export interface SpeechCacheMetadata {
  readonly key: string;
  readonly parts: SpeechCacheKeyParts;
  readonly story: string;
  /** Windows (rows) per layer. */
  readonly nWindows: number;
  readonly nLayers: number;
  readonly dModel: number;
  readonly model: {
    readonly label: string;
    readonly architecture: string;
    readonly hub?: { readonly repo: string; readonly revision: string };
  };
  /** SHA-256 of each layer's float32 values and of the float64 times, checked on read. */
  readonly checksums: readonly string[];
  readonly timesChecksum: string;
  readonly createdAt: string;
  readonly producer: string;
}

/** One file of the cache, as listed. */
export interface SpeechCacheEntry {
  readonly file: string;
  readonly bytes: number;
  readonly metadata?: SpeechCacheMetadata;
  readonly error?: string;
}

/** Result of looking up one layer. */
export type SpeechCacheRead =
  | {
      readonly status: 'hit';
      readonly data: Float32Array;
      readonly times: Float64Array;
      readonly metadata: SpeechCacheMetadata;
      readonly file: string;
    }
  | { readonly status: 'miss'; readonly file: string }
  | { readonly status: 'stale' | 'corrupt'; readonly reason: string; readonly file: string };

/** The folder of the speech feature cache under a voxelwise cache root. */
export function speechCacheDir(cacheDir: string): string {
  return path.join(path.resolve(cacheDir), 'features-speech');
}

/** The cache file of a key. */
export function speechCacheFile(cacheDir: string, key: string): string {
  return path.join(speechCacheDir(cacheDir), `${key}.arrow`);
}

/** The cache key: SHA-256 of the canonical JSON of the key parts. */
export function speechCacheKey(parts: SpeechCacheKeyParts): string {
  return sha256Bytes(canonicalJson(parts));
}

function checksum(values: Float32Array | Float64Array): string {
  return sha256Bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/**
 * Writes all layers of one story: an Arrow IPC file with columns `features`
 * (`FixedSizeList<float32>[d]`) and `time` (float64, the window end in seconds), one record batch
 * per layer, written to a temporary file and renamed.
 */
export async function writeSpeechCache(
  cacheDir: string,
  meta: Omit<SpeechCacheMetadata, 'checksums' | 'timesChecksum' | 'nLayers' | 'createdAt'>,
  layers: readonly Float32Array[],
  times: Float64Array,
): Promise<string> {
  const d = meta.dModel;
  const full: SpeechCacheMetadata = {
    ...meta,
    nLayers: layers.length,
    checksums: layers.map(checksum),
    timesChecksum: checksum(times),
    createdAt: new Date().toISOString(),
  };
  const type = new FixedSizeList(d, new Field('value', new Float32(), false));
  const schema = new Schema(
    [new Field('features', type, false), new Field('time', new Float64(), false)],
    new Map([[SPEECH_CACHE_META_KEY, JSON.stringify(full)]]),
  );
  const n = meta.nWindows;
  const batches = layers.map((values) => {
    const list = makeData({ type, length: n, nullCount: 0, child: makeData({ type: new Float32(), length: values.length, data: values }) });
    const time = makeData({ type: new Float64(), length: n, nullCount: 0, data: times });
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children: [list, time] }));
  });
  const file = speechCacheFile(cacheDir, meta.key);
  await writeFileAtomic(file, RecordBatchFileWriter.writeAll(batches).toUint8Array(true));
  return file;
}

async function openReader(file: string) {
  const handle = await fsp.open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    if (!reader.isFile()) throw new Error('not an Arrow IPC file (stream format)');
    const raw = reader.schema.metadata.get(SPEECH_CACHE_META_KEY);
    if (!raw) throw new Error(`no ${SPEECH_CACHE_META_KEY} metadata`);
    return { handle, reader, metadata: JSON.parse(raw) as SpeechCacheMetadata };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readLayer(reader: Awaited<ReturnType<typeof openReader>>['reader'], meta: SpeechCacheMetadata, layer: number) {
  if (reader.numRecordBatches !== meta.nLayers) throw new Error(`holds ${reader.numRecordBatches} layers, metadata says ${meta.nLayers}`);
  const batch = await reader.readRecordBatch(layer);
  if (!batch || batch.numRows !== meta.nWindows) throw new Error(`layer ${layer} is missing or has the wrong number of rows`);
  const f = batch.getChildAt(0)?.data[0]?.children[0];
  const t = batch.getChildAt(1)?.data[0];
  const n = meta.nWindows;
  const data = (f?.values as Float32Array | undefined)?.subarray(f!.offset, f!.offset + n * meta.dModel);
  const times = (t?.values as Float64Array | undefined)?.subarray(t!.offset, t!.offset + n);
  if (!data || data.length !== n * meta.dModel || !times || times.length !== n) throw new Error(`layer ${layer} has the wrong shape`);
  if (checksum(data) !== meta.checksums[layer]) throw new Error(`layer ${layer} fails its checksum`);
  if (checksum(times) !== meta.timesChecksum) throw new Error(`the times of layer ${layer} fail their checksum`);
  return { data, times };
}

/** Reads one layer when the file for `key` exists, matches `parts` and passes its checksums. */
export async function readSpeechCacheLayer(
  cacheDir: string,
  key: string,
  parts: SpeechCacheKeyParts,
  layer: number,
): Promise<SpeechCacheRead> {
  const file = speechCacheFile(cacheDir, key);
  let opened;
  try {
    opened = await openReader(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'miss', file };
    return { status: 'corrupt', reason: error instanceof Error ? error.message : String(error), file };
  }
  try {
    const meta = opened.metadata;
    if (meta.key !== key || canonicalJson(meta.parts) !== canonicalJson(parts)) {
      return { status: 'stale', reason: 'its metadata does not match the requested model, audio or windows', file };
    }
    if (layer < 0 || layer >= meta.nLayers) return { status: 'stale', reason: `it has layers 0..${meta.nLayers - 1}`, file };
    const { data, times } = await readLayer(opened.reader, meta, layer);
    return { status: 'hit', data, times, metadata: meta, file };
  } catch (error) {
    return { status: 'corrupt', reason: error instanceof Error ? error.message : String(error), file };
  } finally {
    await opened.handle.close();
  }
}

async function cacheFiles(cacheDir: string): Promise<{ files: string[]; temps: string[] }> {
  const dir = speechCacheDir(cacheDir);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], temps: [] };
    throw voxelwiseError({ code: 'E_IO', where: 'features-speech:cache', message: `cannot read the cache folder ${dir}`, cause: error });
  }
  return {
    files: names
      .filter((n) => n.endsWith('.arrow'))
      .sort()
      .map((n) => path.join(dir, n)),
    temps: names.filter(isTempFileName).map((n) => path.join(dir, n)),
  };
}

/** Lists the speech feature cache: one entry per file with its metadata (or why it cannot be read). */
export async function listSpeechCache(cacheDir: string): Promise<SpeechCacheEntry[]> {
  const out: SpeechCacheEntry[] = [];
  for (const file of (await cacheFiles(cacheDir)).files) {
    const bytes = (await fsp.stat(file)).size;
    try {
      const { handle, metadata } = await openReader(file);
      await handle.close();
      out.push({ file, bytes, metadata });
    } catch (error) {
      out.push({ file, bytes, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/** Checks every speech cache file: readable, named after its key, every layer's checksum. */
export async function verifySpeechCache(cacheDir: string): Promise<Array<SpeechCacheEntry & { ok: boolean }>> {
  const out: Array<SpeechCacheEntry & { ok: boolean }> = [];
  for (const file of (await cacheFiles(cacheDir)).files) {
    const bytes = (await fsp.stat(file)).size;
    let opened;
    try {
      opened = await openReader(file);
    } catch (error) {
      out.push({ file, bytes, ok: false, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    try {
      const meta = opened.metadata;
      if (path.basename(file, '.arrow') !== meta.key || speechCacheKey(meta.parts) !== meta.key)
        throw new Error('its name, key and metadata disagree');
      for (let l = 0; l < meta.nLayers; l++) await readLayer(opened.reader, meta, l);
      out.push({ file, bytes, metadata: meta, ok: true });
    } catch (error) {
      out.push({ file, bytes, metadata: opened.metadata, ok: false, error: error instanceof Error ? error.message : String(error) });
    } finally {
      await opened.handle.close();
    }
  }
  return out;
}

/** Which files {@link clearSpeechCache} removes (all when empty). */
export interface SpeechCacheFilter {
  /** Substring of the model label or hub repository. */
  readonly model?: string;
  /** Exact story name. */
  readonly story?: string;
  /** Only files that fail {@link verifySpeechCache}. */
  readonly invalidOnly?: boolean;
}

/** Removes speech cache files matching `filter`, and temporary files of interrupted writes older than 10 minutes. */
export async function clearSpeechCache(cacheDir: string, filter: SpeechCacheFilter = {}): Promise<{ files: number; bytes: number }> {
  const { temps } = await cacheFiles(cacheDir);
  const entries: Array<SpeechCacheEntry & { ok?: boolean }> = filter.invalidOnly
    ? await verifySpeechCache(cacheDir)
    : await listSpeechCache(cacheDir);
  let files = 0;
  let bytes = 0;
  for (const e of entries) {
    const m = e.metadata;
    if (filter.invalidOnly && e.ok) continue;
    if (filter.model && !(m && (m.model.label.includes(filter.model) || (m.model.hub?.repo ?? '').includes(filter.model)))) continue;
    if (filter.story && m?.story !== filter.story) continue;
    await fsp.rm(e.file, { force: true });
    files++;
    bytes += e.bytes;
  }
  for (const t of temps) {
    const st = await fsp.stat(t).catch(() => undefined);
    // A fresh temp file may belong to a write in progress in another process.
    if (st && Date.now() - st.mtimeMs > 10 * 60_000) {
      await fsp.rm(t, { force: true });
      bytes += st.size;
    }
  }
  return { files, bytes };
}
