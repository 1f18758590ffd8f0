import { describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { createRidgeModel } from '../src/index.js';
import { planted } from './planted.js';

const prob = planted(400, 40, 60, 200, { seed: 5, noise: 1 });

/** onnxruntime-node itself, with every InferenceSession.create's options recorded. */
async function recordingRuntime(seen: Record<string, unknown>[]): Promise<unknown> {
  const mod = (await import('onnxruntime-node')) as unknown as Record<string, unknown> & { default?: Record<string, unknown> };
  const ort = (mod['InferenceSession'] ? mod : mod.default!) as typeof import('onnxruntime-node');
  return {
    Tensor: ort.Tensor,
    InferenceSession: {
      create: (bytes: Uint8Array, options: Record<string, unknown>) => {
        seen.push(options);
        return ort.InferenceSession.create(bytes, options);
      },
    },
  };
}

describe('onnxruntime session options', () => {
  it.each([
    [{}, '0'],
    [{ spin: true }, '1'],
    [{ spin: false }, '0'],
  ] as const)('%j: intra-op spinning "%s", the threads asked for, one inter-op thread', async (extra, spinning) => {
    const seen: Record<string, unknown>[] = [];
    const model = createRidgeModel(
      { alphas: [1, 10], backend: 'onnx', threads: 1, ...extra },
      { importOnnxRuntime: () => recordingRuntime(seen) },
    );
    await model.fit({ X: prob.X, Y: prob.Y }, createContext({ seed: 1 }));
    expect(seen.length).toBeGreaterThan(0);
    for (const options of seen) {
      expect(options).toMatchObject({
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: spinning } } },
      });
    }
  });

  it('spin must be a boolean', () => {
    expect(() => createRidgeModel({ spin: 'yes' as unknown as boolean })).toThrow(/spin/);
  });
});
