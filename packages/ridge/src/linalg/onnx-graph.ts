/** The part of onnx-proto's generated bindings this module uses. */
export interface OnnxProtoModule {
  onnx: {
    ModelProto: { create(value: unknown): unknown; encode(message: unknown): { finish(): Uint8Array } };
    GraphProto: { create(value: unknown): unknown };
    NodeProto: { create(value: unknown): unknown };
  };
}

/** ONNX TensorProto element types used here. */
export const ONNX_FLOAT = 1;
/** ONNX TensorProto element type of float64. */
export const ONNX_DOUBLE = 11;

/**
 * A one-node ONNX model `C[M,N] = MatMul(A[M,K], B[K,N])` with symbolic dimensions, so one
 * session serves every shape (ts-stack.md §3, appendix A: opset 13, IR 8).
 */
export function matmulModel(proto: OnnxProtoModule, elemType: number): Uint8Array {
  const { onnx } = proto;
  const valueInfo = (name: string, dims: string[]) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((dimParam) => ({ dimParam })) } } },
  });
  const graph = onnx.GraphProto.create({
    name: 'voxelwise_matmul',
    node: [onnx.NodeProto.create({ opType: 'MatMul', input: ['A', 'B'], output: ['C'], name: 'matmul' })],
    input: [valueInfo('A', ['M', 'K']), valueInfo('B', ['K', 'N'])],
    output: [valueInfo('C', ['M', 'N'])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'voxelwise-ridge',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A one-node ONNX model `Y[M,N] = C[M,N] − A[M,K]·B[K,N]` (Gemm with alpha −1, beta 1), so a
 * trailing update and its subtraction happen in one pass of onnxruntime.
 */
export function gemmSubtractModel(proto: OnnxProtoModule, elemType: number): Uint8Array {
  const { onnx } = proto;
  const valueInfo = (name: string, dims: string[]) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((dimParam) => ({ dimParam })) } } },
  });
  const FLOAT_ATTRIBUTE = 1;
  const graph = onnx.GraphProto.create({
    name: 'voxelwise_gemm_subtract',
    node: [
      onnx.NodeProto.create({
        opType: 'Gemm',
        input: ['A', 'B', 'C'],
        output: ['Y'],
        name: 'gemm',
        attribute: [
          { name: 'alpha', type: FLOAT_ATTRIBUTE, f: -1 },
          { name: 'beta', type: FLOAT_ATTRIBUTE, f: 1 },
        ],
      }),
    ],
    input: [valueInfo('A', ['M', 'K']), valueInfo('B', ['K', 'N']), valueInfo('C', ['M', 'N'])],
    output: [valueInfo('Y', ['M', 'N'])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'voxelwise-ridge',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
