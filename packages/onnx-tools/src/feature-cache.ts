import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { canonicalJson, voxelwiseError } from '@voxelwise/core';
import { isTempFileName, sha256Bytes, withLock, writeFileAtomic } from '@voxelwise/io';
import type { FileLock, LockOptions } from '@voxelwise/io';

/** The fields every feature-cache file records about itself (a plugin's metadata adds its own). */
export interface FeatureCacheMetadata<P = unknown> {
  readonly key: string;
  /** Everything that changes the stored numbers; {@link featureCacheKey} of it is `key`. */
  readonly parts: P;
  readonly story: string;
  readonly nLayers: number;
  readonly dModel: number;
  readonly model: {
    readonly label: string;
    readonly architecture: string;
    readonly hub?: { readonly repo: string; readonly revision: string };
  };
}

/** One file of a feature cache, as listed. */
export interface FeatureCacheEntry<M> {
  readonly file: string;
  readonly bytes: number;
  /** Parsed metadata, or undefined when the file cannot be read. */
  readonly metadata?: M;
  readonly error?: string;
}

/** Which cache files {@link FeatureCache.clear} removes (all when empty). */
export interface FeatureCacheFilter {
  /** Substring of the model label or hub repository. */
  readonly model?: string;
  /** Exact story name. */
  readonly story?: string;
  /** Only files that fail {@link FeatureCache.verify}. */
  readonly invalidOnly?: boolean;
}

/** Result of looking up one layer: `hit` carries what the plugin's `decodeLayer` returned. */
export type FeatureCacheRead<M, L> =
  | ({ readonly status: 'hit'; readonly metadata: M; readonly file: string } & L)
  | { readonly status: 'miss'; readonly file: string }
  | { readonly status: 'stale' | 'corrupt'; readonly reason: string; readonly file: string };

/** A float64 column stored beside `features`, the same values in every layer's batch (e.g. window times). */
export interface FeatureCacheColumn {
  readonly name: string;
  readonly values: Float64Array;
}

/** One record batch (one layer) as a plugin's `decodeLayer` sees it, before any shape check. */
export interface FeatureCacheBatch {
  readonly numRows: number;
  /** The `features` column's float32 values from the batch's first row on (not cut to length). */
  readonly features: Float32Array | undefined;
  /** The other columns' float64 values in schema order, each from the batch's first row on. */
  readonly columns: ReadonlyArray<Float64Array | undefined>;
}

/** What makes one plugin's cache its own; everything else is shared. */
export interface FeatureCacheSpec<M extends FeatureCacheMetadata, L> {
  /** Subfolder under the voxelwise cache root (`features-lm`). */
  readonly folder: string;
  /** Arrow schema metadata key holding the metadata as JSON (`voxelwise:features-lm`). */
  readonly metaKey: string;
  /** `where` of the errors it throws (`features-lm:cache`). */
  readonly where: string;
  /** Why a file whose key or parts disagree with the request is stale. */
  readonly staleReason: string;
  /**
   * Checks one layer's batch (`null` when the file lacks it) against the metadata, shapes and
   * checksums included, and returns what a hit carries; throws (message = the `corrupt` reason)
   * when the numbers cannot be vouched for.
   */
  readonly decodeLayer: (batch: FeatureCacheBatch | null, metadata: M, layer: number) => L;
}

/** One plugin's Arrow feature cache, made by {@link createFeatureCache}. */
export interface FeatureCache<M extends FeatureCacheMetadata, L> {
  /** The cache folder under a voxelwise cache root. */
  dir(cacheDir: string): string;
  /** The cache file of a key. */
  file(cacheDir: string, key: string): string;
  /**
   * Runs `fn` holding the lock of a key's entry (`@voxelwise/io` `withLock`), so that processes
   * sharing one cache folder compute each entry once; a dead holder is taken over after its
   * heartbeat stops (`staleMs`).
   */
  withLock<T>(cacheDir: string, key: string, fn: (lock: FileLock) => Promise<T>, options?: LockOptions): Promise<T>;
  /**
   * Writes all layers of one story atomically: an Arrow IPC file with a `features` column
   * (`FixedSizeList<float32>[dModel]`), then `columns`, one record batch per layer (batch i =
   * layer i), so reading a layer touches only that batch's bytes.
   */
  write(
    cacheDir: string,
    metadata: M,
    layers: readonly Float32Array[],
    rows: number,
    columns?: readonly FeatureCacheColumn[],
  ): Promise<string>;
  /** Reads one layer: `miss` (no file), `stale` (other key, parts or layer range), `corrupt` or `hit`. */
  readLayer(cacheDir: string, key: string, parts: M['parts'], layer: number): Promise<FeatureCacheRead<M, L>>;
  /** One entry per file, with its metadata or why it cannot be read. */
  list(cacheDir: string): Promise<Array<FeatureCacheEntry<M>>>;
  /** Checks one file: readable, named after its key, every layer decodes (checksums included). */
  verifyFile(file: string): Promise<FeatureCacheEntry<M> & { ok: boolean }>;
  /** {@link FeatureCache.verifyFile} for every file of the cache. */
  verify(cacheDir: string): Promise<Array<FeatureCacheEntry<M> & { ok: boolean }>>;
  /** Removes files matching `filter`, and temporary files of interrupted writes older than 10 minutes. */
  clear(cacheDir: string, filter?: FeatureCacheFilter): Promise<{ files: number; bytes: number }>;
}

/** A cache key: SHA-256 of the canonical JSON of the key parts. */
export function featureCacheKey(parts: unknown): string {
  return sha256Bytes(canonicalJson(parts));
}

/** SHA-256 of a typed array's bytes, as cache metadata records it per layer. */
export function featureChecksum(values: Float32Array | Float64Array): string {
  return sha256Bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A temp file younger than this may belong to a write in progress in another process. */
const TEMP_MAX_AGE_MS = 10 * 60_000;

function viewBatch(batch: RecordBatch | null): FeatureCacheBatch | null {
  if (!batch) return null;
  const f = batch.getChildAt(0)?.data[0]?.children[0];
  const columns: Array<Float64Array | undefined> = [];
  for (let i = 1; i < batch.numCols; i++) {
    const c = batch.getChildAt(i)?.data[0];
    columns.push((c?.values as Float64Array | undefined)?.subarray(c!.offset));
  }
  return { numRows: batch.numRows, features: (f?.values as Float32Array | undefined)?.subarray(f!.offset), columns };
}

/**
 * Makes a plugin's content-addressed Arrow feature cache: files `<root>/<folder>/<key>.arrow`
 * keyed by {@link featureCacheKey}, written atomically, read one layer at a time. `apache-arrow`
 * is imported on first write or read, so importing this package for graph building never loads it.
 */
export function createFeatureCache<M extends FeatureCacheMetadata, L>(spec: FeatureCacheSpec<M, L>): FeatureCache<M, L> {
  const dir = (cacheDir: string) => path.join(path.resolve(cacheDir), spec.folder);
  const file = (cacheDir: string, key: string) => path.join(dir(cacheDir), `${key}.arrow`);

  async function openReader(f: string) {
    const handle = await fsp.open(f, 'r');
    try {
      const { RecordBatchReader } = await import('apache-arrow');
      const reader = await RecordBatchReader.from(handle);
      await reader.open();
      if (!reader.isFile()) throw new Error('not an Arrow IPC file (stream format)');
      const raw = reader.schema.metadata.get(spec.metaKey);
      if (!raw) throw new Error(`no ${spec.metaKey} metadata`);
      return { handle, reader, metadata: JSON.parse(raw) as M };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async function decode(reader: Awaited<ReturnType<typeof openReader>>['reader'], meta: M, layer: number): Promise<L> {
    if (reader.numRecordBatches !== meta.nLayers) throw new Error(`holds ${reader.numRecordBatches} layers, metadata says ${meta.nLayers}`);
    return spec.decodeLayer(viewBatch(await reader.readRecordBatch(layer)), meta, layer);
  }

  async function cacheFiles(cacheDir: string): Promise<{ files: string[]; temps: string[] }> {
    const d = dir(cacheDir);
    let names: string[];
    try {
      names = await fsp.readdir(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], temps: [] };
      throw voxelwiseError({ code: 'E_IO', where: spec.where, message: `cannot read the cache folder ${d}`, cause: error });
    }
    return {
      files: names
        .filter((n) => n.endsWith('.arrow'))
        .sort()
        .map((n) => path.join(d, n)),
      temps: names.filter(isTempFileName).map((n) => path.join(d, n)),
    };
  }

  async function verifyFile(f: string): Promise<FeatureCacheEntry<M> & { ok: boolean }> {
    const bytes = (await fsp.stat(f)).size;
    let opened;
    try {
      opened = await openReader(f);
    } catch (error) {
      return { file: f, bytes, ok: false, error: message(error) };
    }
    try {
      const meta = opened.metadata;
      if (path.basename(f, '.arrow') !== meta.key || featureCacheKey(meta.parts) !== meta.key)
        throw new Error('its name, key and metadata disagree');
      for (let l = 0; l < meta.nLayers; l++) await decode(opened.reader, meta, l);
      return { file: f, bytes, metadata: meta, ok: true };
    } catch (error) {
      return { file: f, bytes, metadata: opened.metadata, ok: false, error: message(error) };
    } finally {
      await opened.handle.close();
    }
  }

  const cache: FeatureCache<M, L> = {
    dir,
    file,

    async withLock(cacheDir, key, fn, options = {}) {
      await fsp.mkdir(dir(cacheDir), { recursive: true });
      return withLock(path.join(dir(cacheDir), `${key}.lock`), fn, { where: spec.where, ...options });
    },

    async write(cacheDir, metadata, layers, rows, columns = []) {
      const { Field, FixedSizeList, Float32, Float64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct } =
        await import('apache-arrow');
      const type = new FixedSizeList(metadata.dModel, new Field('value', new Float32(), false));
      const schema = new Schema(
        [new Field('features', type, false), ...columns.map((c) => new Field(c.name, new Float64(), false))],
        new Map([[spec.metaKey, JSON.stringify(metadata)]]),
      );
      const batches = layers.map((values) => {
        const list = makeData({
          type,
          length: rows,
          nullCount: 0,
          child: makeData({ type: new Float32(), length: values.length, data: values }),
        });
        const extra = columns.map((c) => makeData({ type: new Float64(), length: rows, nullCount: 0, data: c.values }));
        return new RecordBatch(
          schema,
          makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children: [list, ...extra] }),
        );
      });
      const f = file(cacheDir, metadata.key);
      await writeFileAtomic(f, RecordBatchFileWriter.writeAll(batches).toUint8Array(true));
      return f;
    },

    async readLayer(cacheDir, key, parts, layer) {
      const f = file(cacheDir, key);
      let opened;
      try {
        opened = await openReader(f);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'miss', file: f };
        return { status: 'corrupt', reason: message(error), file: f };
      }
      try {
        const meta = opened.metadata;
        if (meta.key !== key || canonicalJson(meta.parts) !== canonicalJson(parts))
          return { status: 'stale', reason: spec.staleReason, file: f };
        if (layer < 0 || layer >= meta.nLayers) return { status: 'stale', reason: `it has layers 0..${meta.nLayers - 1}`, file: f };
        const decoded = await decode(opened.reader, meta, layer);
        return { status: 'hit', ...decoded, metadata: meta, file: f };
      } catch (error) {
        return { status: 'corrupt', reason: message(error), file: f };
      } finally {
        await opened.handle.close();
      }
    },

    async list(cacheDir) {
      const out: Array<FeatureCacheEntry<M>> = [];
      for (const f of (await cacheFiles(cacheDir)).files) {
        const bytes = (await fsp.stat(f)).size;
        try {
          const { handle, metadata } = await openReader(f);
          await handle.close();
          out.push({ file: f, bytes, metadata });
        } catch (error) {
          out.push({ file: f, bytes, error: message(error) });
        }
      }
      return out;
    },

    verifyFile,

    async verify(cacheDir) {
      const out: Array<FeatureCacheEntry<M> & { ok: boolean }> = [];
      for (const f of (await cacheFiles(cacheDir)).files) out.push(await verifyFile(f));
      return out;
    },

    async clear(cacheDir, filter = {}) {
      const { temps } = await cacheFiles(cacheDir);
      const entries: Array<FeatureCacheEntry<M> & { ok?: boolean }> = filter.invalidOnly
        ? await cache.verify(cacheDir)
        : await cache.list(cacheDir);
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
        if (st && Date.now() - st.mtimeMs > TEMP_MAX_AGE_MS) {
          await fsp.rm(t, { force: true });
          bytes += st.size;
        }
      }
      return { files, bytes };
    },
  };
  return cache;
}
