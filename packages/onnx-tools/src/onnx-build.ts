import type { onnx } from 'onnx-proto';
import type { Onnx } from './onnx-proto.js';

/** Element types used when building graphs (ONNX `TensorProto.DataType`). */
export const FLOAT = 1;
/** ONNX int64 element type. */
export const INT64 = 7;

function rawBytes(a: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Attribute values accepted by {@link GraphBuilder.node}. */
export type AttrValue = number | number[] | { tensor: onnx.ITensorProto } | { float: number };

/**
 * A small ONNX graph builder that names nodes the way `torch.onnx.export` does
 * (`/transformer/h.0/ln_1/LayerNormalization`), so graphs we build and graphs exported from
 * PyTorch are edited by the same rules.
 */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly used = new Map<string, number>();

  constructor(private readonly pb: Onnx) {}

  /** Adds a float32 initializer. */
  floats(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push(this.pb.TensorProto.create({ name, dims, dataType: FLOAT, rawData: rawBytes(data) }));
    return name;
  }

  /** Adds an int64 initializer. */
  ints(name: string, values: number[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push(this.pb.TensorProto.create({ name, dims, dataType: INT64, rawData: rawBytes(data) }));
    return name;
  }

  /** A float32 tensor value (for `ConstantOfShape`). */
  tensor(values: number[], dims: number[]): onnx.ITensorProto {
    return this.pb.TensorProto.create({ dims, dataType: FLOAT, rawData: rawBytes(Float32Array.from(values)) });
  }

  /** Adds a node in `scope`; returns its output names. */
  nodeN(scope: string, op: string, inputs: string[], nOut: number, attrs: Record<string, AttrValue> = {}): string[] {
    const base = `${scope}/${op}`;
    const k = this.used.get(base) ?? 0;
    this.used.set(base, k + 1);
    const name = k === 0 ? base : `${base}_${k}`;
    const outputs = Array.from({ length: nOut }, (_, i) => `${name}_output_${i}`);
    const A = this.pb.AttributeProto.AttributeType;
    const attribute = Object.entries(attrs).map(([key, v]) => {
      if (Array.isArray(v)) return { name: key, type: A.INTS, ints: v };
      if (typeof v === 'number') return { name: key, type: A.INT, i: v };
      if ('tensor' in v) return { name: key, type: A.TENSOR, t: v.tensor };
      return { name: key, type: A.FLOAT, f: v.float };
    });
    this.nodes.push(this.pb.NodeProto.create({ opType: op, input: inputs, output: outputs, name, attribute }));
    return outputs;
  }

  /** Adds a single-output node in `scope`; returns its output name. */
  node(scope: string, op: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.nodeN(scope, op, inputs, 1, attrs)[0]!;
  }

  /** Names a tensor as a graph output through an `Identity` node. */
  output(source: string, name: string): void {
    this.nodes.push(this.pb.NodeProto.create({ opType: 'Identity', input: [source], output: [name], name: `/out/${name}` }));
  }
}

/** A graph input/output declaration with symbolic (string) or fixed (number) dims. */
export function valueInfo(name: string, elemType: number, dims: Array<string | number>): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}
