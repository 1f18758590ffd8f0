import { sha256Bytes } from '@voxelwise/io';
import type { FileLock, LockOptions } from '@voxelwise/io';
import type { FeatureCacheEntry, FeatureCacheFilter, FeatureCacheMetadata, FeatureCacheRead } from '@voxelwise/onnx-tools';
import { createFeatureCache, featureCacheKey, featureChecksum } from '@voxelwise/onnx-tools';
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
export interface LmCacheMetadata extends FeatureCacheMetadata<LmCacheKeyParts> {
  readonly nWords: number;
  /** Stored layers: L + 1 (0 = embeddings … L = last block output before the final LayerNorm). */
  readonly nLayers: number;
  /** SHA-256 of each layer's float32 values, checked whenever a layer is read. */
  readonly checksums: readonly string[];
  readonly createdAt: string;
  readonly producer: string;
}

/** One file of the cache, as listed (metadata undefined when the file cannot be read). */
export type LmCacheEntry = FeatureCacheEntry<LmCacheMetadata>;

/** Result of looking up one layer. */
export type LmCacheRead = FeatureCacheRead<LmCacheMetadata, { readonly data: Float32Array }>;

/** Which cache files {@link clearLmCache} removes (all when empty): model substring, exact story, invalid only. */
export type LmCacheFilter = FeatureCacheFilter;

// The folder, naming, atomic Arrow write, listing, verifying and clearing are the shared
// `@voxelwise/onnx-tools` feature cache; what is LM-specific is one float32 column per layer.
const cache = createFeatureCache<LmCacheMetadata, { readonly data: Float32Array }>({
  folder: 'features-lm',
  metaKey: LM_CACHE_META_KEY,
  where: 'features-lm:cache',
  staleReason: 'its metadata does not match the requested model, options or words',
  decodeLayer(batch, meta, layer) {
    if (!batch) throw new Error(`layer ${layer} is missing`);
    const values = batch.features;
    if (!values || batch.numRows !== meta.nWords) throw new Error(`layer ${layer} has ${batch.numRows} rows, expected ${meta.nWords}`);
    const data = values.subarray(0, meta.nWords * meta.dModel);
    if (data.length !== meta.nWords * meta.dModel)
      throw new Error(`layer ${layer} has ${data.length} values, expected ${meta.nWords * meta.dModel}`);
    if (featureChecksum(data) !== meta.checksums[layer]) throw new Error(`layer ${layer} fails its checksum`);
    return { data };
  },
});

/** The folder of the LM feature cache under a voxelwise cache root. */
export function lmCacheDir(cacheDir: string): string {
  return cache.dir(cacheDir);
}

/** The cache file of a key. */
export function lmCacheFile(cacheDir: string, key: string): string {
  return cache.file(cacheDir, key);
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
  return cache.withLock(cacheDir, key, fn, options);
}

/** The cache key: SHA-256 of the canonical JSON of the key parts. */
export function lmCacheKey(parts: LmCacheKeyParts): string {
  return featureCacheKey(parts);
}

/** SHA-256 of a word list (the story's identity in the key). */
export function wordsHash(words: readonly string[]): string {
  return sha256Bytes(JSON.stringify(words));
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
  const full: LmCacheMetadata = {
    ...meta,
    nLayers: layers.length,
    checksums: layers.map(featureChecksum),
    createdAt: new Date().toISOString(),
  };
  return cache.write(cacheDir, full, layers, meta.nWords);
}

/**
 * Reads one layer if the file for `key` exists, its metadata equals `parts` and the layer's
 * checksum holds. A missing file is a `miss`; a file whose metadata disagrees is `stale`; one
 * that cannot be parsed or fails a checksum is `corrupt`. Never returns numbers it cannot vouch for.
 */
export async function readLmCacheLayer(cacheDir: string, key: string, parts: LmCacheKeyParts, layer: number): Promise<LmCacheRead> {
  return cache.readLayer(cacheDir, key, parts, layer);
}

/** Lists the LM feature cache: one entry per file, with its metadata (or why it cannot be read). */
export async function listLmCache(cacheDir: string): Promise<LmCacheEntry[]> {
  return cache.list(cacheDir);
}

/** Checks one cache file: readable, named after its key, every layer present with a matching checksum. */
export async function verifyLmCacheFile(file: string): Promise<LmCacheEntry & { ok: boolean }> {
  return cache.verifyFile(file);
}

/** Checks every file of the cache with {@link verifyLmCacheFile}. */
export async function verifyLmCache(cacheDir: string): Promise<Array<LmCacheEntry & { ok: boolean }>> {
  return cache.verify(cacheDir);
}

/** Removes cache files matching `filter` and any temporary files left by interrupted writes. */
export async function clearLmCache(cacheDir: string, filter: LmCacheFilter = {}): Promise<{ files: number; bytes: number }> {
  return cache.clear(cacheDir, filter);
}
