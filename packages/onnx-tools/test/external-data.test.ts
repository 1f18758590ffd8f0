import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineExternalData, loadOnnx } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('inlineExternalData', () => {
  it('reads external initializers (offset, length, or to the end) into rawData, relative to the model file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onnx-external-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'model.onnx_data'), Uint8Array.of(9, 9, 1, 2, 3, 4, 5, 6));
    const pb = loadOnnx();
    const external = (entries: Record<string, string>) =>
      pb.TensorProto.create({
        name: Object.values(entries).join(':'),
        dataLocation: 1,
        externalData: Object.entries(entries).map(([key, value]) => ({ key, value })),
      });
    const graph = pb.GraphProto.create({
      initializer: [
        external({ location: 'model.onnx_data', offset: '2', length: '4' }),
        external({ location: 'model.onnx_data', offset: '6' }),
        pb.TensorProto.create({ name: 'inline', rawData: Uint8Array.of(7) }),
      ],
    });
    inlineExternalData(graph, path.join(dir, 'model.onnx'));
    const [a, b, c] = graph.initializer;
    expect([...(a!.rawData as Uint8Array)]).toEqual([1, 2, 3, 4]);
    expect([...(b!.rawData as Uint8Array)]).toEqual([5, 6]);
    expect(a!.dataLocation).toBe(0);
    expect(a!.externalData).toEqual([]);
    expect([...(c!.rawData as Uint8Array)]).toEqual([7]);
  });
});
