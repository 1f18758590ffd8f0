import { describe, expect, it } from 'vitest';
import { FLOAT, GraphBuilder, loadOnnx, pruneGraph, valueInfo } from '../src/index.js';

describe('pruneGraph', () => {
  it('keeps what the chosen outputs need (subgraph reads included) and drops the rest', () => {
    const pb = loadOnnx();
    const g = new GraphBuilder(pb);
    const w1 = g.floats('w1', [1], Float32Array.of(2));
    const w2 = g.floats('w2', [1], Float32Array.of(3));
    const w3 = g.floats('w3', [1], Float32Array.of(4));
    const a = g.node('/layers.0', 'Mul', ['x', w1]);
    const b = g.node('/layers.1', 'Mul', [a, w2]);
    g.node('/head', 'Mul', [b, 'unused_input']);
    // An If whose branch reads w3 from the outer graph: w3 must survive although no node input names it.
    const branch = pb.GraphProto.create({
      node: [pb.NodeProto.create({ opType: 'Mul', input: [a, w3], output: ['then_out'], name: '/then/Mul' })],
      output: [valueInfo('then_out', FLOAT, [1])],
    });
    const A = pb.AttributeProto.AttributeType;
    g.nodes.push(
      pb.NodeProto.create({
        opType: 'If',
        input: ['cond'],
        output: ['if_out'],
        name: '/if',
        attribute: [
          { name: 'then_branch', type: A.GRAPH, g: branch },
          { name: 'else_branch', type: A.GRAPH, g: branch },
        ],
      }),
    );
    const graph = pb.GraphProto.create({
      node: g.nodes,
      initializer: g.initializers,
      input: ['x', 'cond', 'unused_input'].map((n) => valueInfo(n, FLOAT, [1])),
      valueInfo: [valueInfo(a, FLOAT, [1]), valueInfo(b, FLOAT, [1])],
    });
    const kept = pruneGraph(graph, [a, 'if_out']);
    expect(graph.node.map((n) => n.name)).toEqual(['/layers.0/Mul', '/if']);
    expect(graph.initializer.map((t) => t.name)).toEqual(['w1', 'w3']);
    expect(graph.input.map((i) => i.name)).toEqual(['x', 'cond']);
    expect(graph.valueInfo.map((v) => v.name)).toEqual([a]);
    expect(kept.has(b)).toBe(false);
  });
});
