export { loadOnnx, int64 } from './onnx-proto.js';
export type { Onnx } from './onnx-proto.js';
export { GraphBuilder, valueInfo, FLOAT, INT64 } from './onnx-build.js';
export type { AttrValue } from './onnx-build.js';
export { fileSha256, combineHashes, filesSha256, onnxModelSha256 } from './file-hash.js';
export { loadTransformers, isOffline } from './transformers-env.js';
export { createModelPool } from './model-pool.js';
export type { ModelPool, PooledModel, PooledSession } from './model-pool.js';
export { inlineExternalData } from './external-data.js';
export { hubModelDir } from './hub-dir.js';
export { pruneGraph } from './prune-graph.js';
export { createFeatureCache, featureCacheKey, featureChecksum } from './feature-cache.js';
export type {
  FeatureCache,
  FeatureCacheBatch,
  FeatureCacheColumn,
  FeatureCacheEntry,
  FeatureCacheFilter,
  FeatureCacheMetadata,
  FeatureCacheRead,
  FeatureCacheSpec,
} from './feature-cache.js';
