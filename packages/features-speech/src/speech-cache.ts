import { createFeatureCache, featureCacheKey, featureChecksum } from '@voxelwise/onnx-tools';
import type { FeatureCacheEntry, FeatureCacheFilter, FeatureCacheMetadata, FeatureCacheRead } from '@voxelwise/onnx-tools';
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
export interface SpeechCacheMetadata extends FeatureCacheMetadata<SpeechCacheKeyParts> {
  /** Windows (rows) per layer. */
  readonly nWindows: number;
  /** SHA-256 of each layer's float32 values and of the float64 times, checked on read. */
  readonly checksums: readonly string[];
  readonly timesChecksum: string;
  readonly createdAt: string;
  readonly producer: string;
}

/** One file of the cache, as listed (metadata undefined when the file cannot be read). */
export type SpeechCacheEntry = FeatureCacheEntry<SpeechCacheMetadata>;

/** Result of looking up one layer: a hit carries the layer's features and the window times. */
export type SpeechCacheRead = FeatureCacheRead<SpeechCacheMetadata, SpeechLayer>;

/** What a hit carries: one layer's features and the window times. */
interface SpeechLayer {
  readonly data: Float32Array;
  readonly times: Float64Array;
}

/** Which files {@link clearSpeechCache} removes (all when empty): model substring, exact story, invalid only. */
export type SpeechCacheFilter = FeatureCacheFilter;

// The folder, naming, atomic Arrow write, listing, verifying and clearing are the shared
// `@voxelwise/onnx-tools` feature cache; what is speech-specific is the `time` column beside the
// features, checked against its own checksum.
const cache = createFeatureCache<SpeechCacheMetadata, SpeechLayer>({
  folder: 'features-speech',
  metaKey: SPEECH_CACHE_META_KEY,
  where: 'features-speech:cache',
  staleReason: 'its metadata does not match the requested model, audio or windows',
  decodeLayer(batch, meta, layer) {
    if (!batch || batch.numRows !== meta.nWindows) throw new Error(`layer ${layer} is missing or has the wrong number of rows`);
    const n = meta.nWindows;
    const data = batch.features?.subarray(0, n * meta.dModel);
    const times = batch.columns[0]?.subarray(0, n);
    if (!data || data.length !== n * meta.dModel || !times || times.length !== n) throw new Error(`layer ${layer} has the wrong shape`);
    if (featureChecksum(data) !== meta.checksums[layer]) throw new Error(`layer ${layer} fails its checksum`);
    if (featureChecksum(times) !== meta.timesChecksum) throw new Error(`the times of layer ${layer} fail their checksum`);
    return { data, times };
  },
});

/** The folder of the speech feature cache under a voxelwise cache root. */
export function speechCacheDir(cacheDir: string): string {
  return cache.dir(cacheDir);
}

/** The cache file of a key. */
export function speechCacheFile(cacheDir: string, key: string): string {
  return cache.file(cacheDir, key);
}

/** The cache key: SHA-256 of the canonical JSON of the key parts. */
export function speechCacheKey(parts: SpeechCacheKeyParts): string {
  return featureCacheKey(parts);
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
  const full: SpeechCacheMetadata = {
    ...meta,
    nLayers: layers.length,
    checksums: layers.map(featureChecksum),
    timesChecksum: featureChecksum(times),
    createdAt: new Date().toISOString(),
  };
  return cache.write(cacheDir, full, layers, meta.nWindows, [{ name: 'time', values: times }]);
}

/** Reads one layer when the file for `key` exists, matches `parts` and passes its checksums. */
export async function readSpeechCacheLayer(
  cacheDir: string,
  key: string,
  parts: SpeechCacheKeyParts,
  layer: number,
): Promise<SpeechCacheRead> {
  return cache.readLayer(cacheDir, key, parts, layer);
}

/** Lists the speech feature cache: one entry per file with its metadata (or why it cannot be read). */
export async function listSpeechCache(cacheDir: string): Promise<SpeechCacheEntry[]> {
  return cache.list(cacheDir);
}

/** Checks every speech cache file: readable, named after its key, every layer's checksum. */
export async function verifySpeechCache(cacheDir: string): Promise<Array<SpeechCacheEntry & { ok: boolean }>> {
  return cache.verify(cacheDir);
}

/** Removes speech cache files matching `filter`, and temporary files of interrupted writes older than 10 minutes. */
export async function clearSpeechCache(cacheDir: string, filter: SpeechCacheFilter = {}): Promise<{ files: number; bytes: number }> {
  return cache.clear(cacheDir, filter);
}
