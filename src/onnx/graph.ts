/**
 * A small builder of ONNX graphs over the official protobuf schema (the `onnx-proto` package,
 * generated from onnx.proto of ONNX 1.10: IR version 8, opsets up to 15). Nodes get fresh
 * output names, weights become initializers, and toBytes() serialises the ModelProto.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The ONNX operator set the graph is written against (ONNX 1.10 knows up to 15). */
export const OPSET = 15;

/** Element types used here (TensorProto.DataType). */
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT32 = onnx.TensorProto.DataType.INT32;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

type Attr = number | number[] | string;
/** A dimension: a number, or a name for one that varies per call (n, B, …). */
type Dim = number | string;

function attribute(name: string, v: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
}

function valueInfo(name: string, elemType: number, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

export class Graph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly named = new Set<string>();
  private count = 0;

  /** Whether an initializer of that name exists (the same weight is stored once, however often it is used). */
  private seen(name: string): boolean {
    if (this.named.has(name)) return true;
    this.named.add(name);
    return false;
  }

  /** A graph input; returns its name. */
  input(name: string, elemType: number, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Mark a value as a graph output under `name` (an Identity node gives it that name). */
  output(value: string, name: string, elemType: number, dims: Dim[]): void {
    this.nodes.push({ opType: 'Identity', input: [value], output: [name], name });
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** A float initializer (a weight), stored as raw little-endian bytes; a name seen before is returned as it is. */
  floats(name: string, values: Float32Array, dims: number[]): string {
    if (this.seen(name)) return name;
    if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`onnx: ${name} has ${values.length} values, shape [${dims}]`);
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer); // ONNX raw data is little-endian whatever the host
    for (let k = 0; k < values.length; k++) view.setFloat32(k * 4, values[k], true);
    this.inits.push({ name, dataType: FLOAT, dims, rawData: bytes });
    return name;
  }

  /** An int64 initializer (shapes, axes, indices). */
  ints(name: string, values: number[], dims: number[] = [values.length]): string {
    if (this.seen(name)) return name;
    this.inits.push({ name, dataType: INT64, dims, int64Data: values });
    return name;
  }

  /** A float scalar initializer. */
  scalar(name: string, v: number): string {
    if (this.seen(name)) return name;
    this.inits.push({ name, dataType: FLOAT, dims: [], floatData: [v] });
    return name;
  }

  /** One node with one output; returns the output's name. */
  op(opType: string, input: string[], attrs: Record<string, Attr> = {}): string {
    return this.opN(opType, input, 1, attrs)[0];
  }

  /** One node with `outputs` outputs. */
  opN(opType: string, input: string[], outputs: number, attrs: Record<string, Attr> = {}): string[] {
    const id = this.count++;
    const output = Array.from({ length: outputs }, (_, k) => `${opType}_${id}${outputs > 1 ? `_${k}` : ''}`);
    this.nodes.push({ opType, input, output, name: `${opType}_${id}`, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return output;
  }

  /** The serialised ModelProto. */
  toBytes(meta: { name: string; docString: string; properties?: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: onnx.Version.IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'rin',
      docString: meta.docString,
      metadataProps: Object.entries(meta.properties ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: meta.name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
