import { ProtoMessage } from './protobuf-writer.js';

/** ONNX TensorProto element type of float32. */
export const ONNX_FLOAT = 1;
/** ONNX TensorProto element type of float64. */
export const ONNX_DOUBLE = 11;

// Field numbers of onnx/onnx.proto (ONNX 1.10, IR version 8), the messages used here.
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, name: 2, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, f: 2, type: 20 } as const;
const ATTRIBUTE_FLOAT = 1;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE = { tensorType: 1 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE = { dim: 1 } as const;
const DIMENSION = { dimParam: 2 } as const;

/** A graph input or output: a tensor of `elemType` with symbolic dimensions. */
function valueInfo(name: string, elemType: number, dims: readonly string[]): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of dims) shape.message(SHAPE.dim, new ProtoMessage().string(DIMENSION.dimParam, d));
  const tensor = new ProtoMessage().int(TENSOR_TYPE.elemType, elemType).message(TENSOR_TYPE.shape, shape);
  return new ProtoMessage().string(VALUE_INFO.name, name).message(VALUE_INFO.type, new ProtoMessage().message(TYPE.tensorType, tensor));
}

interface NodeSpec {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  floatAttributes?: Readonly<Record<string, number>>;
}

/** A one-node model, IR version 8, default-domain opset 13 (fields in field-number order). */
function oneNodeModel(graphName: string, node: NodeSpec, inputs: ProtoMessage[], outputs: ProtoMessage[]): Uint8Array {
  const n = new ProtoMessage();
  for (const i of node.inputs) n.string(NODE.input, i);
  for (const o of node.outputs) n.string(NODE.output, o);
  n.string(NODE.name, node.name).string(NODE.opType, node.opType);
  for (const [name, f] of Object.entries(node.floatAttributes ?? {})) {
    n.message(NODE.attribute, new ProtoMessage().string(ATTRIBUTE.name, name).float(ATTRIBUTE.f, f).int(ATTRIBUTE.type, ATTRIBUTE_FLOAT));
  }
  const graph = new ProtoMessage().message(GRAPH.node, n).string(GRAPH.name, graphName);
  for (const i of inputs) graph.message(GRAPH.input, i);
  for (const o of outputs) graph.message(GRAPH.output, o);
  return new ProtoMessage()
    .int(MODEL.irVersion, 8)
    .string(MODEL.producerName, 'voxelwise-ridge')
    .message(MODEL.graph, graph)
    .message(MODEL.opsetImport, new ProtoMessage().string(OPSET.domain, '').int(OPSET.version, 13))
    .finish();
}

/**
 * A one-node ONNX model `C[M,N] = MatMul(A[M,K], B[K,N])` with symbolic dimensions, so one
 * session serves every shape (ONNX operator MatMul, opset 13; IR version 8).
 */
export function matmulModel(elemType: number): Uint8Array {
  return oneNodeModel(
    'voxelwise_matmul',
    { opType: 'MatMul', name: 'matmul', inputs: ['A', 'B'], outputs: ['C'] },
    [valueInfo('A', elemType, ['M', 'K']), valueInfo('B', elemType, ['K', 'N'])],
    [valueInfo('C', elemType, ['M', 'N'])],
  );
}

/**
 * A one-node ONNX model `Y[M,N] = C[M,N] − A[M,K]·B[K,N]` (Gemm with alpha −1, beta 1), so a
 * trailing update and its subtraction happen in one pass of onnxruntime.
 */
export function gemmSubtractModel(elemType: number): Uint8Array {
  return oneNodeModel(
    'voxelwise_gemm_subtract',
    { opType: 'Gemm', name: 'gemm', inputs: ['A', 'B', 'C'], outputs: ['Y'], floatAttributes: { alpha: -1, beta: 1 } },
    [valueInfo('A', elemType, ['M', 'K']), valueInfo('B', elemType, ['K', 'N']), valueInfo('C', elemType, ['M', 'N'])],
    [valueInfo('Y', elemType, ['M', 'N'])],
  );
}
