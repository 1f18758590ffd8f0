import { promises as fsp } from 'node:fs';
import path from 'node:path';
import {
  Field,
  FixedSizeList,
  Float32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  Schema,
  Struct,
} from 'apache-arrow';
import { canonicalJson, voxelwiseError } from '@voxelwise/core';
import { isTempFileName, sha256Bytes, withLock, writeFileAtomic } from '@voxelwise/io';
import type { FileLock, LockOptions } from '@voxelwise/io';
import type { ModelIdentity } from './lm-model.js';

/** Version of the cache file layout and of what "layer i" means; bump to invalidate every file. */
export const LM_CACHE_FORMAT = 1;

/** Schema metadata key holding {@link LmCacheMetadata} as JSON. */
export const LM_CACHE_META_KEY = 'voxelwise:features-lm';

/** Everything that changes the stored numbers; its hash is the cache key. */
export interface LmCacheKeyParts {
  readonly format: number;
  /** Content hashes of the ONNX file, config and tokenizer. */
  readonly model: ModelIdentity;
  /** `model`, or the hash of the GPT-2 tokenizer LITcoder cuts contexts with. */
  readonly contextTokenizer: string;
  readonly contextType: string;
  readonly lookback: number;
  readonly pooling: string;
  /** Window of the `sliding` policy (null for the LITcoder policies). */
  readonly slidingWindow: number | null;
  /** SHA-256 of the story's word list (JSON), empty words included. */
  readonly words: string;
}

/** What a cache file records about itself. */
export interface LmCacheMetadata {
  readonly key: string;
  readonly parts: LmCacheKeyParts;
  readonly story: string;
  readonly nWords: number;
  /** Stored layers: L + 1 (0 = embeddings … L = last block output before the final LayerNorm). */
  readonly nLayers: number;
  readonly dModel: number;
  readonly model: {
    readonly label: string;
    readonly architecture: string;
    readonly hub?: { readonly repo: string; readonly revision: string };
  };
  /** SHA-256 of each layer's float32 values, checked whenever a layer is read. */
  readonly checksums: readonly string[];
  readonly createdAt: string;
  readonly producer: string;
}

/** One file of the cache, as listed. */
export interface LmCacheEntry {
  readonly file: string;
  readonly bytes: number;
  /** Parsed metadata, or undefined when the file cannot be read. */
  readonly metadata?: LmCacheMetadata;
  readonly error?: string;
}

const WHERE = 'features-lm:cache';

/** The folder of the LM feature cache under a voxelwise cache root. */
export function lmCacheDir(cacheDir: string): string {
  return path.join(path.resolve(cacheDir), 'features-lm');
}

/** The cache file of a key. */
export function lmCacheFile(cacheDir: string, key: string): string {
  return path.join(lmCacheDir(cacheDir), `${key}.arrow`);
}

/** The lock file that claims a key's entry while it is computed. */
function lmCacheLockFile(cacheDir: string, key: string): string {
  return path.join(lmCacheDir(cacheDir), `${key}.lock`);
}

/**
 * Runs `fn` holding the lock of a key's entry (`@voxelwise/io` `withLock`), so that processes on
 * several nodes sharing one cache folder compute each entry once: the others wait, then read
 * what the holder wrote. A holder that died (killed, node lost) is taken over after its
 * heartbeat stops (`staleMs`, 60 s by default). The entry itself is still written atomically.
 */
export async function withLmCacheLock<T>(
  cacheDir: string,
  key: string,
  fn: (lock: FileLock) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  await fsp.mkdir(lmCacheDir(cacheDir), { recursive: true });
  return withLock(lmCacheLockFile(cacheDir, key), fn, { where: WHERE, ...options });
}

/** The cache key: SHA-256 of the canonical JSON of the key parts. */
export function lmCacheKey(parts: LmCacheKeyParts): string {
  return sha256Bytes(canonicalJson(parts));
}

/** SHA-256 of a word list (the story's identity in the key). */
export function wordsHash(words: readonly string[]): string {
  return sha256Bytes(JSON.stringify(words));
}

function checksum(values: Float32Array): string {
  return sha256Bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/**
 * Writes all layers of one story: an Arrow IPC file with one `FixedSizeList<float32>[d]`
 * column and one record batch per layer (batch i = layer i), so reading a layer touches only
 * that batch's bytes. Written to a temporary file and renamed: readers and concurrent writers
 * only ever see complete files.
 */
export async function writeLmCache(
  cacheDir: string,
  meta: Omit<LmCacheMetadata, 'checksums' | 'nLayers' | 'createdAt'>,
  layers: readonly Float32Array[],
): Promise<string> {
  const d = meta.dModel;
  const full: LmCacheMetadata = { ...meta, nLayers: layers.length, checksums: layers.map(checksum), createdAt: new Date().toISOString() };
  const type = new FixedSizeList(d, new Field('value', new Float32(), false));
  const schema = new Schema([new Field('features', type, false)], new Map([[LM_CACHE_META_KEY, JSON.stringify(full)]]));
  const batches = layers.map((values) => {
    const child = makeData({ type: new Float32(), length: values.length, data: values });
    const list = makeData({ type, length: meta.nWords, nullCount: 0, child });
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: meta.nWords, nullCount: 0, children: [list] }));
  });
  const bytes = RecordBatchFileWriter.writeAll(batches).toUint8Array(true);
  const file = lmCacheFile(cacheDir, meta.key);
  await writeFileAtomic(file, bytes);
  return file;
}

/** Result of looking up one layer. */
export type LmCacheRead =
  | { readonly status: 'hit'; readonly data: Float32Array; readonly metadata: LmCacheMetadata; readonly file: string }
  | { readonly status: 'miss'; readonly file: string }
  | { readonly status: 'stale' | 'corrupt'; readonly reason: string; readonly file: string };

async function openReader(file: string) {
  const handle = await fsp.open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    if (!reader.isFile()) throw new Error('not an Arrow IPC file (stream format)');
    const raw = reader.schema.metadata.get(LM_CACHE_META_KEY);
    if (!raw) throw new Error(`no ${LM_CACHE_META_KEY} metadata`);
    const metadata = JSON.parse(raw) as LmCacheMetadata;
    return { handle, reader, metadata };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readBatchValues(
  reader: Awaited<ReturnType<typeof openReader>>['reader'],
  meta: LmCacheMetadata,
  layer: number,
): Promise<Float32Array> {
  if (reader.numRecordBatches !== meta.nLayers) throw new Error(`holds ${reader.numRecordBatches} layers, metadata says ${meta.nLayers}`);
  const batch = await reader.readRecordBatch(layer);
  if (!batch) throw new Error(`layer ${layer} is missing`);
  const column = batch.getChildAt(0);
  const values = column?.data[0]?.children[0]?.values as Float32Array | undefined;
  const offset = column?.data[0]?.children[0]?.offset ?? 0;
  if (!values || batch.numRows !== meta.nWords) throw new Error(`layer ${layer} has ${batch.numRows} rows, expected ${meta.nWords}`);
  const data = values.subarray(offset, offset + meta.nWords * meta.dModel);
  if (data.length !== meta.nWords * meta.dModel)
    throw new Error(`layer ${layer} has ${data.length} values, expected ${meta.nWords * meta.dModel}`);
  if (checksum(data) !== meta.checksums[layer]) throw new Error(`layer ${layer} fails its checksum`);
  return data;
}

/**
 * Reads one layer if the file for `key` exists, its metadata equals `parts` and the layer's
 * checksum holds. A missing file is a `miss`; a file whose metadata disagrees is `stale`; one
 * that cannot be parsed or fails a checksum is `corrupt`. Never returns numbers it cannot vouch for.
 */
export async function readLmCacheLayer(cacheDir: string, key: string, parts: LmCacheKeyParts, layer: number): Promise<LmCacheRead> {
  const file = lmCacheFile(cacheDir, key);
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
      return { status: 'stale', reason: 'its metadata does not match the requested model, options or words', file };
    }
    if (layer < 0 || layer >= meta.nLayers) return { status: 'stale', reason: `it has layers 0..${meta.nLayers - 1}`, file };
    const data = await readBatchValues(opened.reader, meta, layer);
    return { status: 'hit', data, metadata: meta, file };
  } catch (error) {
    return { status: 'corrupt', reason: error instanceof Error ? error.message : String(error), file };
  } finally {
    await opened.handle.close();
  }
}

async function cacheFiles(cacheDir: string): Promise<{ files: string[]; temps: string[] }> {
  const dir = lmCacheDir(cacheDir);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], temps: [] };
    throw voxelwiseError({ code: 'E_IO', where: WHERE, message: `cannot read the cache folder ${dir}`, cause: error });
  }
  return {
    files: names
      .filter((n) => n.endsWith('.arrow'))
      .sort()
      .map((n) => path.join(dir, n)),
    temps: names.filter(isTempFileName).map((n) => path.join(dir, n)),
  };
}

/** Lists the LM feature cache: one entry per file, with its metadata (or why it cannot be read). */
export async function listLmCache(cacheDir: string): Promise<LmCacheEntry[]> {
  const { files } = await cacheFiles(cacheDir);
  const out: LmCacheEntry[] = [];
  for (const file of files) {
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

/** Checks one cache file: readable, named after its key, every layer present with a matching checksum. */
export async function verifyLmCacheFile(file: string): Promise<LmCacheEntry & { ok: boolean }> {
  const bytes = (await fsp.stat(file)).size;
  let opened;
  try {
    opened = await openReader(file);
  } catch (error) {
    return { file, bytes, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  try {
    const meta = opened.metadata;
    if (path.basename(file, '.arrow') !== meta.key || lmCacheKey(meta.parts) !== meta.key)
      throw new Error('its name, key and metadata disagree');
    for (let l = 0; l < meta.nLayers; l++) await readBatchValues(opened.reader, meta, l);
    return { file, bytes, metadata: meta, ok: true };
  } catch (error) {
    return { file, bytes, metadata: opened.metadata, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await opened.handle.close();
  }
}

/** Checks every file of the cache with {@link verifyLmCacheFile}. */
export async function verifyLmCache(cacheDir: string): Promise<Array<LmCacheEntry & { ok: boolean }>> {
  const { files } = await cacheFiles(cacheDir);
  const out: Array<LmCacheEntry & { ok: boolean }> = [];
  for (const file of files) out.push(await verifyLmCacheFile(file));
  return out;
}

/** Which cache files {@link clearLmCache} removes (all when empty). */
export interface LmCacheFilter {
  /** Substring of the model label or hub repository. */
  readonly model?: string;
  /** Exact story name. */
  readonly story?: string;
  /** Only files that fail {@link verifyLmCache}. */
  readonly invalidOnly?: boolean;
}

/** Removes cache files matching `filter` and any temporary files left by interrupted writes. */
export async function clearLmCache(cacheDir: string, filter: LmCacheFilter = {}): Promise<{ files: number; bytes: number }> {
  const { temps } = await cacheFiles(cacheDir);
  const entries = filter.invalidOnly ? await verifyLmCache(cacheDir) : await listLmCache(cacheDir);
  let files = 0;
  let bytes = 0;
  for (const e of entries) {
    const m = e.metadata;
    if (filter.invalidOnly && (e as { ok?: boolean }).ok) continue;
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
