import { describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import type { LogEvent, VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createOnnxBackend, createRidgeModel } from '../src/index.js';
import type { RidgeCVOptions } from '../src/index.js';
import { gemmSubtractModel, matmulModel, ONNX_DOUBLE, ONNX_FLOAT } from '../src/linalg/onnx-graph.js';
import { planted } from './planted.js';

/** What Node throws for `import('onnxruntime-node')` when the package is not installed. */
function notInstalled(): Promise<never> {
  const error = Object.assign(
    new Error("Cannot find package 'onnxruntime-node' imported from /app/node_modules/@voxelwise/ridge/dist/index.js"),
    {
      code: 'ERR_MODULE_NOT_FOUND',
    },
  );
  return Promise.reject(error);
}

const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d / Math.max(scale, 1e-30);
};

// Large enough (≈5.1e7 floating-point operations) that `auto` wants onnxruntime rather than the tiny-problem path.
const prob = planted(400, 40, 60, 200, { seed: 3, noise: 1 });
const options: RidgeCVOptions = { alphas: [0.1, 1, 10, 100], threads: 1 };

describe('onnxruntime-node is optional', () => {
  it('auto falls back to the pure backend when it is missing, with one log line naming the install, and the same answers', async () => {
    const events: VoxelwiseEvent[] = [];
    const ctx = createContext({ seed: 4, emit: (e) => events.push(e) });
    const model = createRidgeModel(options, { importOnnxRuntime: notInstalled });
    const pure = await model.fit({ X: prob.X, Y: prob.Y }, ctx);
    await model.fit({ X: prob.X, Y: prob.Y }, ctx);
    expect(pure.info['backend']).toBe('pure');
    const logs = events.filter((e): e is LogEvent => e.type === 'log' && e.details?.['backend'] !== undefined);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.level).toBe('info');
    expect(logs[0]!.message).toMatch(/not installed.*pure.*npm install onnxruntime-node/s);

    const fastEvents: VoxelwiseEvent[] = [];
    const fast = await createRidgeModel(options).fit({ X: prob.X, Y: prob.Y }, createContext({ seed: 4, emit: (e) => fastEvents.push(e) }));
    expect(fast.info['backend']).toBe('onnx');
    expect(fastEvents.some((e) => e.type === 'log' && e.details?.['backend'] === 'onnx')).toBe(true);
    expect(Array.from(pure.alphas!)).toEqual(Array.from(fast.alphas!));
    expect(maxRelDiff(pure.cvScores, fast.cvScores)).toBeLessThan(1e-4);
    expect(maxRelDiff(pure.weights!.data, fast.weights!.data)).toBeLessThan(1e-4);
    const rp = await pure.score(prob.Xt, prob.Yt);
    const rf = await fast.score(prob.Xt, prob.Yt);
    for (let j = 0; j < rp.length; j++) expect(Math.abs(rp[j]! - rf[j]!)).toBeLessThan(1e-5);
  });

  it('an explicit backend "onnx" without it is E_BACKEND with the install line', async () => {
    const model = createRidgeModel({ ...options, backend: 'onnx' }, { importOnnxRuntime: notInstalled });
    await expectVoxelwiseError(() => model.fit({ X: prob.X, Y: prob.Y }, createContext()), 'E_BACKEND', /not installed/);
    await expectVoxelwiseError(
      () => createOnnxBackend({ importRuntime: notInstalled }),
      'E_BACKEND',
      /not installed.*npm install onnxruntime-node.*backend: "pure"/s,
    );
  });

  it('auto warns and runs pure when it is installed but fails to load', async () => {
    const events: VoxelwiseEvent[] = [];
    const broken = () => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file'));
    const f = await createRidgeModel(options, { importOnnxRuntime: broken }).fit(
      { X: prob.X, Y: prob.Y },
      createContext({ emit: (e) => events.push(e) }),
    );
    expect(f.info['backend']).toBe('pure');
    const log = events.find((e): e is LogEvent => e.type === 'log' && e.details?.['backend'] === 'pure');
    expect(log?.level).toBe('warn');
    expect(log?.message).toMatch(/cannot open shared object file/);
  });

  it('tiny problems run pure under auto without importing onnxruntime-node', async () => {
    let imported = 0;
    const counting = () => {
      imported++;
      return notInstalled();
    };
    const small = planted(40, 10, 5, 4, { seed: 2 });
    const f = await createRidgeModel({ alphas: [1, 10] }, { importOnnxRuntime: counting }).fit({ X: small.X, Y: small.Y }, createContext());
    expect(f.info['backend']).toBe('pure');
    expect(imported).toBe(0);
  });
});

describe('ONNX graphs without a protobuf library', () => {
  // Bytes that onnx-proto 8.0.1 (`onnx.ModelProto.encode`) writes for the same two graphs.
  const ONNX_PROTO_MATMUL_FLOAT =
    'CAgSD3ZveGVsd2lzZS1yaWRnZTpyChkKAUEKAUISAUMaBm1hdG11bCIGTWF0TXVsEhB2b3hlbHdpc2VfbWF0bXVsWhUKAUESEAoOCAESCgoDEgFNCgMSAUtaFQoBQhIQCg4IARIKCgMSAUsKAxIBTmIVCgFDEhAKDggBEgoKAxIBTQoDEgFOQgQKABAN';
  const ONNX_PROTO_GEMM_SUBTRACT_DOUBLE =
    'CAgSD3ZveGVsd2lzZS1yaWRnZTqwAQo5CgFBCgFCCgFDEgFZGgRnZW1tIgRHZW1tKg8KBWFscGhhFQAAgL+gAQEqDgoEYmV0YRUAAIA/oAEBEhd2b3hlbHdpc2VfZ2VtbV9zdWJ0cmFjdFoVCgFBEhAKDggLEgoKAxIBTQoDEgFLWhUKAUISEAoOCAsSCgoDEgFLCgMSAU5aFQoBQxIQCg4ICxIKCgMSAU0KAxIBTmIVCgFZEhAKDggLEgoKAxIBTQoDEgFOQgQKABAN';

  it('encodes byte for byte what onnx-proto encodes', () => {
    expect(Buffer.from(matmulModel(ONNX_FLOAT)).toString('base64')).toBe(ONNX_PROTO_MATMUL_FLOAT);
    expect(Buffer.from(gemmSubtractModel(ONNX_DOUBLE)).toString('base64')).toBe(ONNX_PROTO_GEMM_SUBTRACT_DOUBLE);
  });
});
