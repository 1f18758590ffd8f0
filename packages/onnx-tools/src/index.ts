export { loadOnnx, int64 } from './onnx-proto.js';
export type { Onnx } from './onnx-proto.js';
export { GraphBuilder, valueInfo, FLOAT, INT64 } from './onnx-build.js';
export type { AttrValue } from './onnx-build.js';
export { fileSha256, combineHashes } from './file-hash.js';
export { loadTransformers, isOffline } from './transformers-env.js';
export { createModelPool } from './model-pool.js';
export type { ModelPool, PooledModel, PooledSession } from './model-pool.js';
export { inlineExternalData } from './external-data.js';
