import { voxelwiseError } from '@voxelwise/core';

/** The onnxruntime-node module, as {@link createOnnxBackend} uses it. */
export type OnnxRuntime = typeof import('onnxruntime-node');

/**
 * Imports onnxruntime-node (an optional peer dependency). Replaceable, so an application can
 * hand over a module it bundled itself and tests can simulate its absence. Typed `unknown` so
 * the published types never name onnxruntime-node, which a consumer may not have installed.
 */
export type OnnxRuntimeImporter = () => Promise<unknown>;

/** What to run to get the fast backend. */
export const ONNX_INSTALL = 'npm install onnxruntime-node';

/** The default {@link OnnxRuntimeImporter}: a dynamic import, so nothing loads at import time. */
export const importOnnxRuntime: OnnxRuntimeImporter = () => import('onnxruntime-node');

/** True when `cause` says the module itself is not installed (rather than failing to load). */
function isMissingModule(cause: unknown, name = 'onnxruntime-node'): boolean {
  if (!(cause instanceof Error)) return false;
  const code = (cause as { code?: unknown }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && cause.message.includes(name);
}

/**
 * Loads onnxruntime-node through `importer`, or throws `E_BACKEND` with the install line: a
 * missing package and one whose native library fails to load are told apart in the message.
 */
export async function loadOnnxRuntime(importer: OnnxRuntimeImporter, where: string): Promise<OnnxRuntime> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (cause) {
    const missing = isMissingModule(cause);
    throw voxelwiseError({
      code: 'E_BACKEND',
      where,
      message: missing
        ? 'the onnx backend needs onnxruntime-node, which is not installed'
        : `onnxruntime-node could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
      details: { missing, install: ONNX_INSTALL },
      hint: `Install it with "${ONNX_INSTALL}" (add ONNXRUNTIME_NODE_INSTALL=skip where its optional CUDA download cannot be reached), or set the ridge option backend: "pure".`,
    });
  }
  // CommonJS-shaped builds arrive under `default` when imported from ESM.
  const m = mod as Partial<OnnxRuntime> & { default?: OnnxRuntime };
  const ort = m.InferenceSession ? (m as OnnxRuntime) : m.default;
  if (!ort?.InferenceSession || !ort.Tensor) {
    throw voxelwiseError({
      code: 'E_BACKEND',
      where,
      message: 'the imported onnxruntime-node module has no InferenceSession or Tensor',
      details: { install: ONNX_INSTALL },
      hint: `Reinstall it with "${ONNX_INSTALL}", or set the ridge option backend: "pure".`,
    });
  }
  return ort;
}
