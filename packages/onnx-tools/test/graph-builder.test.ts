import { describe, expect, it } from 'vitest';
import { combineHashes, FLOAT, GraphBuilder, int64, loadOnnx, valueInfo } from '../src/index.js';

describe('GraphBuilder', () => {
  it('names nodes by scope as torch.onnx.export does, numbering repeats', () => {
    const g = new GraphBuilder(loadOnnx());
    const a = g.node('/encoder/layers.0/fc1', 'MatMul', ['x', 'w']);
    const b = g.node('/encoder/layers.0/fc1', 'MatMul', [a, 'w']);
    expect(g.nodes.map((n) => n.name)).toEqual(['/encoder/layers.0/fc1/MatMul', '/encoder/layers.0/fc1/MatMul_1']);
    expect(b).toBe('/encoder/layers.0/fc1/MatMul_1_output_0');
  });

  it('round-trips a model through the protobuf bindings', () => {
    const pb = loadOnnx();
    const g = new GraphBuilder(pb);
    g.floats('w', [2], Float32Array.of(1, 2));
    g.output(g.node('/m', 'Mul', ['x', 'w']), 'y');
    const bytes = pb.ModelProto.encode(
      pb.ModelProto.create({
        irVersion: 8,
        graph: { node: g.nodes, initializer: g.initializers, input: [valueInfo('x', FLOAT, [2])], output: [valueInfo('y', FLOAT, [2])] },
      }),
    ).finish();
    const back = pb.ModelProto.decode(bytes);
    expect(back.graph?.node?.map((n) => n.opType)).toEqual(['Mul', 'Identity']);
    expect(int64(back.graph?.initializer?.[0]?.dims?.[0] as number)).toBe(2);
  });

  it('combines hashes order-sensitively', () => {
    expect(combineHashes(['a', 'b'])).not.toBe(combineHashes(['b', 'a']));
  });
});
