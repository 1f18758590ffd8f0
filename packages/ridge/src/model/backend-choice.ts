import { isVoxelwiseError } from '@voxelwise/core';
import type { EventSink } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { createOnnxBackend } from '../linalg/onnx-backend.js';
import { ONNX_INSTALL, importOnnxRuntime } from '../linalg/onnx-runtime.js';
import type { OnnxRuntimeImporter } from '../linalg/onnx-runtime.js';
import { createPureBackend } from '../linalg/pure-backend.js';

/** The `backend` option: `auto` runs onnx when onnxruntime-node can be imported, else pure. */
export type BackendChoice = 'auto' | 'onnx' | 'pure';

/** Floating-point operations below which `auto` runs the pure backend: starting onnxruntime costs more. */
const TINY_WORK = 5e7;

/** Floating-point operations of a fit, 2 per multiply-add (Gram, projections, one product per alpha and voxel batch). */
export function fitWork(n: number, p: number, v: number, nAlphas: number): number {
  return 2 * n * p * (p + v * (1 + nAlphas));
}

/** Options of {@link backendChooser}. */
export interface BackendChooserOptions {
  choice: BackendChoice;
  /** onnxruntime intra-op threads. */
  threads?: number;
  /** Let idle onnxruntime intra-op threads spin (dedicated cores only). @default false */
  spin?: boolean;
  /** How onnxruntime-node is imported. @default () => import('onnxruntime-node') */
  importRuntime?: OnnxRuntimeImporter;
  /** Event label of the log line saying which backend runs. */
  stage: string;
}

/**
 * Creates backends on demand and caches one per kind. Under `auto`, tiny problems run pure;
 * bigger ones run onnx when onnxruntime-node loads, else pure, and one `log` event says which
 * runs (with the install line when the fast one is missing). An explicit `onnx` without
 * onnxruntime-node is `E_BACKEND` with the install line.
 */
export function backendChooser(options: BackendChooserOptions): (work: number, emit: EventSink) => Promise<LinalgBackend> {
  const backends = new Map<'onnx' | 'pure', Promise<LinalgBackend>>();
  const open = (kind: 'onnx' | 'pure'): Promise<LinalgBackend> => {
    let b = backends.get(kind);
    if (!b) {
      b =
        kind === 'pure'
          ? createPureBackend()
          : createOnnxBackend({
              ...(options.threads !== undefined ? { threads: options.threads } : {}),
              ...(options.spin !== undefined ? { spin: options.spin } : {}),
              importRuntime: options.importRuntime ?? importOnnxRuntime,
            });
      backends.set(kind, b);
      b.catch(() => backends.delete(kind));
    }
    return b;
  };
  let resolved: Promise<'onnx' | 'pure'> | null = null;
  const resolveAuto = (emit: EventSink): Promise<'onnx' | 'pure'> =>
    (resolved ??= open('onnx').then(
      () => {
        emit({
          type: 'log',
          level: 'info',
          stage: options.stage,
          message: 'linear algebra on onnxruntime-node (backend "onnx")',
          details: { backend: 'onnx' },
        });
        return 'onnx' as const;
      },
      (error: unknown) => {
        const missing = isVoxelwiseError(error, 'E_BACKEND') && error.details['missing'] === true;
        emit({
          type: 'log',
          level: missing ? 'info' : 'warn',
          stage: options.stage,
          message: missing
            ? `onnxruntime-node is not installed: linear algebra runs on the pure TypeScript backend (backend "pure"), much slower on large problems. For the fast backend: ${ONNX_INSTALL}`
            : `onnxruntime-node could not be loaded (${error instanceof Error ? error.message : String(error)}); linear algebra runs on the pure TypeScript backend (backend "pure"). Reinstall it with: ${ONNX_INSTALL}`,
          details: { backend: 'pure', install: ONNX_INSTALL, reason: missing ? 'not installed' : 'failed to load' },
        });
        return 'pure' as const;
      },
    ));
  return async (work, emit) => {
    if (options.choice !== 'auto') return open(options.choice);
    if (work < TINY_WORK) return open('pure');
    return open(await resolveAuto(emit));
  };
}
