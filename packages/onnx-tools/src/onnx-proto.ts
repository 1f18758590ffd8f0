import { createRequire } from 'node:module';
import type { onnx as OnnxNamespace } from 'onnx-proto';

/** The protobufjs bindings of `onnx.proto` (ONNX 1.10, IR 8). */
export type Onnx = typeof OnnxNamespace;

let cached: Onnx | undefined;

/**
 * Loads the ONNX protobuf bindings on first use (they are CommonJS and ~1 MB, so never at
 * import time).
 */
export function loadOnnx(): Onnx {
  if (!cached) {
    const require = createRequire(import.meta.url);
    cached = (require('onnx-proto') as { onnx: Onnx }).onnx;
  }
  return cached;
}

/** A protobuf int64 as a JS number (protobufjs decodes int64 as `Long` when `long` is installed). */
export function int64(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
