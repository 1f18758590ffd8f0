import * as ort from 'onnxruntime-web/webgpu';
import type { RunnerModel } from '@voxelwise/features-lm/browser';
import type { WebFeatureSettings } from '../manifest.js';

/** Which onnxruntime-web execution provider runs the model. */
export type Backend = 'webgpu' | 'wasm';

/**
 * Points onnxruntime-web (the instance transformers.js imports) at the WASM files inside the
 * export, so nothing is fetched from a CDN, and picks the thread count the page may use
 * (threads need a cross-origin-isolated page).
 */
export function configureOrt(base: URL): void {
  ort.env.wasm.wasmPaths = {
    mjs: new URL('ort/ort-wasm-simd-threaded.asyncify.mjs', base).href,
    wasm: new URL('ort/ort-wasm-simd-threaded.asyncify.wasm', base).href,
  };
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.proxy = false;
}

/** WebGPU when the browser offers an adapter, else WASM; `?backend=wasm` forces WASM. */
export async function chooseBackend(requested: string | null): Promise<Backend> {
  if (requested === 'wasm') return 'wasm';
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'wasm';
  try {
    return (await gpu.requestAdapter()) ? 'webgpu' : 'wasm';
  } catch {
    return 'wasm';
  }
}

/** An onnxruntime-web session over the bundled feature graph, in the shape features-lm's runner reads. */
export async function openRunner(bytes: Uint8Array, settings: WebFeatureSettings, backend: Backend): Promise<RunnerModel> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: backend === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'],
    graphOptimizationLevel: 'all',
  });
  return {
    // onnxruntime-web and onnxruntime-node share onnxruntime-common's API (Tensor, InferenceSession.run).
    ort: ort as unknown as RunnerModel['ort'],
    session: session as unknown as RunnerModel['session'],
    inputs: settings.inputs,
    nLayers: settings.nOutputs,
    dModel: settings.dModel,
    nHeads: settings.nHeads,
    padId: settings.padId,
  };
}

/** Threads onnxruntime-web runs the model on (1 unless the page is cross-origin isolated). */
export function ortThreads(): number {
  return ort.env.wasm.numThreads ?? 1;
}
